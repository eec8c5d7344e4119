import { Type } from '@sinclair/typebox';
import { workspaceOf } from '../auth/authenticate.js';
import { notFound } from '../platform/errors.js';
import { IdParams, authProblems, listOf } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import { ListDeliveriesQuery, WebhookDeliverySchema } from '../webhooks/schema.js';
import { listEventDeliveries } from '../webhooks/service.js';
import { EventSchema, ListEventsQuery } from './schema.js';
import { findEvent, listEvents } from './store.js';

const tags = ['events'];
const security = [{ apiKey: [] }];
const One = Type.Ref(EventSchema);

/** The event log (`/v1/events`): every event the outbox recorded, as webhooks deliver it. */
export async function eventRoutes(app: App, { services, requireScope }: RouteDeps) {
  app.addSchema(EventSchema);
  app.addSchema(WebhookDeliverySchema);
  const read = requireScope('webhooks:read');

  app.get(
    '/v1/events',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'List events, newest first, with cursor pagination',
        querystring: ListEventsQuery,
        response: { 200: listOf(One), ...authProblems },
      },
    },
    async (request) => {
      const page = await listEvents(services.db.kysely, workspaceOf(request), request.query);
      return { object: 'list' as const, ...page };
    },
  );

  app.get(
    '/v1/events/:id',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'Get an event',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => {
      const event = await findEvent(services.db.kysely, workspaceOf(request), request.params.id);
      if (!event) throw notFound('event');
      return event;
    },
  );

  app.get(
    '/v1/events/:id/deliveries',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: "An event's deliveries to every endpoint, newest first, each with every attempt",
        params: IdParams,
        querystring: ListDeliveriesQuery,
        response: { 200: listOf(Type.Ref(WebhookDeliverySchema)), ...authProblems },
      },
    },
    async (request) => {
      const workspaceId = workspaceOf(request);
      const { id } = request.params;
      if (!(await findEvent(services.db.kysely, workspaceId, id))) throw notFound('event');
      const page = await listEventDeliveries(services, workspaceId, id, request.query);
      return { object: 'list' as const, ...page };
    },
  );
}
