import { Type } from '@sinclair/typebox';
import { workspaceOf } from '../auth/authenticate.js';
import { notFound } from '../platform/errors.js';
import { IdParams, authProblems, listOf } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import {
  ConnectionSchema,
  CreateConnectionBody,
  ListConnectionsQuery,
  UpdateConnectionBody,
} from './connection-schema.js';
import { createConnection, deleteConnection, updateConnection } from './connection-service.js';
import {
  decryptSecrets,
  findConnectionRow,
  listConnectionRows,
  toConnection,
} from './connection-store.js';

const tags = ['connections'];
const security = [{ apiKey: [] }];
const One = Type.Ref(ConnectionSchema);

/**
 * `/v1/connections`: where rules send testimonials (Slack incoming webhooks, HubSpot, a
 * generic HTTP POST). Secrets are encrypted at rest and never returned.
 */
export async function connectionRoutes(app: App, { services, requireScope }: RouteDeps) {
  app.addSchema(ConnectionSchema);
  const read = requireScope('connections:read');
  const write = requireScope('connections:write');
  const { kysely } = services.db;

  app.get(
    '/v1/connections',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'List connections',
        querystring: ListConnectionsQuery,
        response: { 200: listOf(One), ...authProblems },
      },
    },
    async (request) => {
      const page = await listConnectionRows(kysely, workspaceOf(request), request.query);
      const data = page.rows.map((row) => toConnection(row, decryptSecrets(services.secrets, row)));
      return { object: 'list' as const, data, has_more: page.has_more };
    },
  );

  app.post(
    '/v1/connections',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Create a connection',
        body: CreateConnectionBody,
        response: { 201: One, ...authProblems },
      },
    },
    async (request, reply) => {
      const created = await createConnection(services, workspaceOf(request), request.body);
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/v1/connections/:id',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'Get a connection',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => {
      const row = await findConnectionRow(kysely, workspaceOf(request), request.params.id);
      if (!row) throw notFound('connection');
      return toConnection(row, decryptSecrets(services.secrets, row));
    },
  );

  app.patch(
    '/v1/connections/:id',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Change a connection (secrets are replaced, never shown)',
        params: IdParams,
        body: UpdateConnectionBody,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) =>
      updateConnection(services, workspaceOf(request), request.params.id, request.body),
  );

  app.delete(
    '/v1/connections/:id',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Delete a connection',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => deleteConnection(services, workspaceOf(request), request.params.id),
  );
}
