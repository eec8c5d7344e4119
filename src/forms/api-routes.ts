import { Type } from '@sinclair/typebox';
import { workspaceOf } from '../auth/authenticate.js';
import { notFound } from '../platform/errors.js';
import { IdParams, ProblemSchema, authProblems, listOf } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import { CreateFormBody, FormSchema, ListFormsQuery, UpdateFormBody } from './schema.js';
import { createForm, deleteForm, updateForm } from './service.js';
import { findFormRow, listFormRows, toForm } from './store.js';

const tags = ['forms'];
const security = [{ apiKey: [] }];
const One = Type.Ref(FormSchema);
const writeProblems = { ...authProblems, 409: Type.Ref(ProblemSchema) };

/** `/v1/forms`: create, list, get, update and delete the workspace's hosted forms. */
export async function formApiRoutes(app: App, { services, requireScope }: RouteDeps) {
  app.addSchema(FormSchema);
  const read = requireScope('forms:read');
  const write = requireScope('forms:write');

  app.get(
    '/v1/forms',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'List forms, newest first, with cursor pagination',
        querystring: ListFormsQuery,
        response: { 200: listOf(One), ...authProblems },
      },
    },
    async (request) => {
      const page = await listFormRows(services.db.kysely, workspaceOf(request), request.query);
      const data = page.rows.map((row) => toForm(row, services.config.publicUrl));
      return { object: 'list' as const, data, has_more: page.has_more };
    },
  );

  app.post(
    '/v1/forms',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Create a form; its slug names the hosted page /f/{slug}',
        body: CreateFormBody,
        response: { 201: One, ...writeProblems },
      },
    },
    async (request, reply) => {
      const created = await createForm(services, workspaceOf(request), request.body);
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/v1/forms/:id',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'Get a form',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => {
      const row = await findFormRow(services.db.kysely, workspaceOf(request), request.params.id);
      if (!row) throw notFound('form');
      return toForm(row, services.config.publicUrl);
    },
  );

  app.patch(
    '/v1/forms/:id',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Update a form',
        params: IdParams,
        body: UpdateFormBody,
        response: { 200: One, ...writeProblems },
      },
    },
    async (request) => updateForm(services, workspaceOf(request), request.params.id, request.body),
  );

  app.delete(
    '/v1/forms/:id',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Delete a form; its testimonials stay',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => deleteForm(services, workspaceOf(request), request.params.id),
  );
}
