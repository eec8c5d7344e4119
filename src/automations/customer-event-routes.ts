import { Type } from '@sinclair/typebox';
import { workspaceOf } from '../auth/authenticate.js';
import { notFound } from '../platform/errors.js';
import { IdParams, authProblems, listOf } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import {
  CUSTOMER_EVENT_BODY_LIMIT_BYTES,
  CreateCustomerEventBody,
  CustomerEventSchema,
  ListCustomerEventsQuery,
} from './customer-event-schema.js';
import { recordCustomerEvent } from './customer-event-service.js';
import {
  findCustomerEventRow,
  listCustomerEvents,
  toCustomerEvent,
} from './customer-event-store.js';

const tags = ['customer events'];
const security = [{ apiKey: [] }];
const One = Type.Ref(CustomerEventSchema);

/** `/v1/customer-events`: happy moments from other systems, which rules act on. */
export async function customerEventRoutes(app: App, { services, requireScope }: RouteDeps) {
  app.addSchema(CustomerEventSchema);
  const read = requireScope('customer-events:read');
  const write = requireScope('customer-events:write');
  const { kysely } = services.db;

  app.post(
    '/v1/customer-events',
    {
      onRequest: write,
      bodyLimit: CUSTOMER_EVENT_BODY_LIMIT_BYTES,
      schema: {
        tags,
        security,
        summary: 'Record a customer event (idempotent by its id)',
        description:
          'Stored with its contact (upserted) before the answer: 202 when new, 200 with the stored event when its `id` was seen before. Rules run afterwards from the job queue. Bodies up to 1 MiB; larger ones get 413 before they are read.',
        body: CreateCustomerEventBody,
        response: {
          200: One,
          202: One,
          409: Type.Ref('Problem'),
          413: Type.Ref('Problem'),
          ...authProblems,
        },
      },
    },
    async (request, reply) => {
      const { event, created } = await recordCustomerEvent(
        services,
        workspaceOf(request),
        request.body,
      );
      return reply.code(created ? 202 : 200).send(event);
    },
  );

  app.get(
    '/v1/customer-events',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'List customer events, newest first',
        querystring: ListCustomerEventsQuery,
        response: { 200: listOf(One), ...authProblems },
      },
    },
    async (request) => {
      const page = await listCustomerEvents(kysely, workspaceOf(request), request.query);
      return { object: 'list' as const, ...page };
    },
  );

  app.get(
    '/v1/customer-events/:id',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'Get a customer event',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => {
      const row = await findCustomerEventRow(kysely, workspaceOf(request), 'id', request.params.id);
      if (!row) throw notFound('customer event');
      return toCustomerEvent(row);
    },
  );
}
