import { Type } from '@sinclair/typebox';
import { workspaceOf } from '../auth/authenticate.js';
import { IdParams, authProblems, listOf } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import {
  CreateWebhookEndpointBody,
  CreatedWebhookEndpointSchema,
  ListDeliveriesQuery,
  ListWebhookEndpointsQuery,
  UpdateWebhookEndpointBody,
  WebhookDeliverySchema,
  WebhookEndpointSchema,
} from './schema.js';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpointDeliveries,
  updateEndpoint,
} from './service.js';
import { hookRoutes } from './hook-routes.js';
import { webhookOperationRoutes } from './operation-routes.js';
import { listEndpoints } from './store.js';

const tags = ['webhooks'];
const security = [{ apiKey: [] }];
const One = Type.Ref(WebhookEndpointSchema);

/**
 * Webhook endpoints API (`/v1/webhook-endpoints`) and their deliveries, the operator
 * actions and event type catalogue, and REST hooks (`/v1/hooks`).
 */
export async function webhookRoutes(app: App, deps: RouteDeps) {
  const { services, requireScope } = deps;
  app.addSchema(WebhookEndpointSchema);
  app.addSchema(CreatedWebhookEndpointSchema);
  app.addSchema(WebhookDeliverySchema);
  const read = requireScope('webhooks:read');
  const write = requireScope('webhooks:write');

  app.get(
    '/v1/webhook-endpoints',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'List webhook endpoints, newest first, with cursor pagination',
        querystring: ListWebhookEndpointsQuery,
        response: { 200: listOf(One), ...authProblems },
      },
    },
    async (request) => {
      const page = await listEndpoints(services.db.kysely, workspaceOf(request), request.query);
      return { object: 'list' as const, ...page };
    },
  );

  app.post(
    '/v1/webhook-endpoints',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Create a webhook endpoint; the response carries its signing secret, once',
        body: CreateWebhookEndpointBody,
        response: { 201: Type.Ref(CreatedWebhookEndpointSchema), ...authProblems },
      },
    },
    async (request, reply) => {
      const created = await createEndpoint(services, workspaceOf(request), request.body);
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/v1/webhook-endpoints/:id',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'Get a webhook endpoint',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => getEndpoint(services, workspaceOf(request), request.params.id),
  );

  app.patch(
    '/v1/webhook-endpoints/:id',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Change, disable or re-enable a webhook endpoint',
        params: IdParams,
        body: UpdateWebhookEndpointBody,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) =>
      updateEndpoint(services, workspaceOf(request), request.params.id, request.body),
  );

  app.delete(
    '/v1/webhook-endpoints/:id',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Delete a webhook endpoint and its delivery log',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => deleteEndpoint(services, workspaceOf(request), request.params.id),
  );

  app.get(
    '/v1/webhook-endpoints/:id/deliveries',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: "An endpoint's deliveries, newest first, each with every attempt",
        params: IdParams,
        querystring: ListDeliveriesQuery,
        response: { 200: listOf(Type.Ref(WebhookDeliverySchema)), ...authProblems },
      },
    },
    async (request) => {
      const { id } = request.params;
      const page = await listEndpointDeliveries(services, workspaceOf(request), id, request.query);
      return { object: 'list' as const, ...page };
    },
  );

  await webhookOperationRoutes(app, deps);
  await hookRoutes(app, deps);
}
