import { Type } from '@sinclair/typebox';
import { workspaceOf } from '../auth/authenticate.js';
import { notFound } from '../platform/errors.js';
import { IdParams, ListQueryBase, authProblems, listOf } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import {
  CreateRuleBody,
  ListRulesQuery,
  REVIEW_GATING_WARNING,
  RuleRunSchema,
  RuleSchema,
  UpdateRuleBody,
} from './rule-schema.js';
import { createRule, deleteRule, updateRule } from './rule-service.js';
import { findRuleRow, listRuleRuns, listRules, toRule } from './rule-store.js';

const tags = ['rules'];
const security = [{ apiKey: [] }];
const One = Type.Ref(RuleSchema);
const RunsQuery = Type.Object(ListQueryBase, { additionalProperties: false });

const RULES_DESCRIPTION =
  'A rule runs on a customer event type or a testimonial event, checks its conditions (all must hold) ' +
  'and does its actions, each as its own job, retried on its own when it fails. ' +
  `**Review gating:** ${REVIEW_GATING_WARNING} Nothing is ever published automatically: ` +
  'testimonials arrive pending.';

/** `/v1/rules` and each rule's run log. */
export async function ruleRoutes(app: App, { services, requireScope }: RouteDeps) {
  app.addSchema(RuleSchema);
  app.addSchema(RuleRunSchema);
  const read = requireScope('rules:read');
  const write = requireScope('rules:write');
  const { kysely } = services.db;

  app.get(
    '/v1/rules',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'List rules',
        description: RULES_DESCRIPTION,
        querystring: ListRulesQuery,
        response: { 200: listOf(One), ...authProblems },
      },
    },
    async (request) => {
      const page = await listRules(kysely, workspaceOf(request), request.query);
      return { object: 'list' as const, ...page };
    },
  );

  app.post(
    '/v1/rules',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Create a rule',
        description: RULES_DESCRIPTION,
        body: CreateRuleBody,
        response: { 201: One, ...authProblems },
      },
    },
    async (request, reply) => {
      const rule = await createRule(services, workspaceOf(request), request.body);
      return reply.code(201).send(rule);
    },
  );

  app.get(
    '/v1/rules/:id',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'Get a rule',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => {
      const row = await findRuleRow(kysely, workspaceOf(request), request.params.id);
      if (!row) throw notFound('rule');
      return toRule(row);
    },
  );

  app.patch(
    '/v1/rules/:id',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Change a rule (runs already made keep the actions they had)',
        params: IdParams,
        body: UpdateRuleBody,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => updateRule(services, workspaceOf(request), request.params.id, request.body),
  );

  app.delete(
    '/v1/rules/:id',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Delete a rule and its runs',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => deleteRule(services, workspaceOf(request), request.params.id),
  );

  app.get(
    '/v1/rules/:id/runs',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: "A rule's runs, newest first: matched or not, each action's outcome and errors",
        params: IdParams,
        querystring: RunsQuery,
        response: { 200: listOf(Type.Ref(RuleRunSchema)), ...authProblems },
      },
    },
    async (request) => {
      const workspaceId = workspaceOf(request);
      if (!(await findRuleRow(kysely, workspaceId, request.params.id))) throw notFound('rule');
      const page = await listRuleRuns(kysely, workspaceId, request.params.id, request.query);
      return { object: 'list' as const, ...page };
    },
  );
}
