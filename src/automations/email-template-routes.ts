import { Type } from '@sinclair/typebox';
import { workspaceOf } from '../auth/authenticate.js';
import { notFound } from '../platform/errors.js';
import { IdParams, authProblems, listOf } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import {
  CreateEmailTemplateBody,
  EmailTemplateSchema,
  ListEmailTemplatesQuery,
  UpdateEmailTemplateBody,
} from './email-template-schema.js';
import {
  createEmailTemplate,
  deleteEmailTemplate,
  findEmailTemplateRow,
  listEmailTemplates,
  toEmailTemplate,
  updateEmailTemplate,
} from './email-template-store.js';

const tags = ['review requests'];
const security = [{ apiKey: [] }];
const One = Type.Ref(EmailTemplateSchema);

/** `/v1/email-templates`: a form's own review request and reminder email. */
export async function emailTemplateRoutes(app: App, { services, requireScope }: RouteDeps) {
  app.addSchema(EmailTemplateSchema);
  const read = requireScope('review-requests:read');
  const write = requireScope('review-requests:write');
  const { kysely } = services.db;

  app.get(
    '/v1/email-templates',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'List email templates',
        querystring: ListEmailTemplatesQuery,
        response: { 200: listOf(One), ...authProblems },
      },
    },
    async (request) => {
      const page = await listEmailTemplates(kysely, workspaceOf(request), request.query);
      return { object: 'list' as const, ...page };
    },
  );

  app.post(
    '/v1/email-templates',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Set the review request or reminder email of a form',
        body: CreateEmailTemplateBody,
        response: { 201: One, 409: Type.Ref('Problem'), ...authProblems },
      },
    },
    async (request, reply) => {
      const created = await createEmailTemplate(services, workspaceOf(request), request.body);
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/v1/email-templates/:id',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'Get an email template',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => {
      const row = await findEmailTemplateRow(kysely, workspaceOf(request), request.params.id);
      if (!row) throw notFound('email template');
      return toEmailTemplate(row);
    },
  );

  app.patch(
    '/v1/email-templates/:id',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Change an email template',
        params: IdParams,
        body: UpdateEmailTemplateBody,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) =>
      updateEmailTemplate(services, workspaceOf(request), request.params.id, request.body),
  );

  app.delete(
    '/v1/email-templates/:id',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Delete an email template (the built-in one is used again)',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => deleteEmailTemplate(services, workspaceOf(request), request.params.id),
  );
}
