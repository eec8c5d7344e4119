import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { actorOfCredential } from '../audit/service.js';
import { notFound } from '../platform/errors.js';
import { IdParams, authProblems, listOf } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import {
  ApiKeySchema,
  CreateApiKeyBody,
  CreatedApiKeySchema,
  ListApiKeysQuery,
} from './api-keys-schema.js';
import { issueApiKey, revokeApiKey, type KeyAdmin } from './api-keys-service.js';
import { findApiKey, listApiKeys } from './api-keys-store.js';
import { workspaceOf } from './authenticate.js';

const tags = ['api keys'];
const security = [{ apiKey: [] }];
const One = Type.Ref(ApiKeySchema);

/** The acting credential, as the key service needs it. */
function adminOf(request: FastifyRequest): KeyAdmin {
  const principal = request.principal!;
  return {
    workspaceId: workspaceOf(request),
    heldScopes: principal.scopes,
    actor: actorOfCredential(principal.keyId),
    use: { requestId: request.id, ip: request.ip },
  };
}

/** `/v1/api-keys`: create (the secret shown once), list, get and revoke keys. */
export async function apiKeyRoutes(app: App, { services, requireScope }: RouteDeps) {
  app.addSchema(ApiKeySchema);
  app.addSchema(CreatedApiKeySchema);
  const read = requireScope('api_keys:read');
  const write = requireScope('api_keys:write');

  app.post(
    '/v1/api-keys',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Create an API key; the response holds its secret, shown this once',
        body: CreateApiKeyBody,
        response: { 201: Type.Ref(CreatedApiKeySchema), ...authProblems },
      },
    },
    async (request, reply) => {
      const created = await issueApiKey(services, adminOf(request), request.body);
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/v1/api-keys',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'List API keys (prefix and last four only), newest first',
        querystring: ListApiKeysQuery,
        response: { 200: listOf(One), ...authProblems },
      },
    },
    async (request) => {
      const page = await listApiKeys(services.db.kysely, workspaceOf(request), request.query);
      return { object: 'list' as const, ...page };
    },
  );

  app.get(
    '/v1/api-keys/:id',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'Get an API key (prefix and last four only)',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => {
      const key = await findApiKey(services.db.kysely, workspaceOf(request), request.params.id);
      if (!key) throw notFound('API key');
      return key;
    },
  );

  app.delete(
    '/v1/api-keys/:id',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Revoke an API key; it is refused from the next request on',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => revokeApiKey(services, adminOf(request), request.params.id),
  );
}
