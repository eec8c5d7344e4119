import { Type } from '@sinclair/typebox';
import { workspaceOf } from '../auth/authenticate.js';
import { validationError } from '../platform/errors.js';
import { IdParams, ProblemSchema, authProblems, listOf } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import { EventTypeSchema, listEventTypes } from './event-types-doc.js';
import { isEventType } from './event-types.js';
import { recoverEndpoint, retryDelivery, rotateEndpointSecret } from './operations.js';
import {
  CreatedWebhookEndpointSchema,
  EndpointDeliveryParams,
  RecoverBody,
  TestBody,
  WebhookDeliverySchema,
  WebhookRecoverySchema,
  WebhookTestResultSchema,
} from './schema.js';
import { sendTestMessage } from './test-message.js';

const tags = ['webhooks'];
const security = [{ apiKey: [] }];
const conflict = { 409: Type.Ref(ProblemSchema) };

/** The event type catalogue and the operator actions on an endpoint. */
export async function webhookOperationRoutes(app: App, { services, requireScope }: RouteDeps) {
  app.addSchema(EventTypeSchema);
  app.addSchema(WebhookRecoverySchema);
  app.addSchema(WebhookTestResultSchema);
  const read = requireScope('webhooks:read');
  const write = requireScope('webhooks:write');

  app.get(
    '/v1/event-types',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary:
          'Every event type an endpoint can subscribe to, with the JSON schema of its data and an example',
        response: { 200: listOf(Type.Ref(EventTypeSchema)), ...authProblems },
      },
    },
    async () => ({ object: 'list' as const, data: listEventTypes(), has_more: false }),
  );

  app.post(
    '/v1/webhook-endpoints/:id/deliveries/:delivery_id/retry',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Send a succeeded or failed delivery again, now',
        params: EndpointDeliveryParams,
        response: { 202: Type.Ref(WebhookDeliverySchema), ...authProblems, ...conflict },
      },
    },
    async (request, reply) => {
      const { id, delivery_id } = request.params;
      const delivery = await retryDelivery(services, workspaceOf(request), id, delivery_id);
      return reply.code(202).send(delivery);
    },
  );

  app.post(
    '/v1/webhook-endpoints/:id/recover',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Re-send every failed delivery of events since a time, oldest first',
        params: IdParams,
        body: RecoverBody,
        response: { 202: Type.Ref(WebhookRecoverySchema), ...authProblems, ...conflict },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const recovery = await recoverEndpoint(
        services,
        workspaceOf(request),
        id,
        request.body.since,
      );
      return reply.code(202).send(recovery);
    },
  );

  app.post(
    '/v1/webhook-endpoints/:id/test',
    {
      onRequest: write,
      // The body is optional: a bare POST tests with testimonial.created.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags,
        security,
        summary: "Send an event type's example to the endpoint now and return how it went",
        params: IdParams,
        body: TestBody,
        response: { 200: Type.Ref(WebhookTestResultSchema), ...authProblems },
      },
    },
    async (request) => {
      const type = request.body.event_type ?? 'testimonial.created';
      if (!isEventType(type)) throw validationError('/event_type', 'is not a known event type');
      return sendTestMessage(services, workspaceOf(request), request.params.id, type);
    },
  );

  app.post(
    '/v1/webhook-endpoints/:id/rotate-secret',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary:
          'Replace the signing secret; for 24 hours deliveries carry signatures from both secrets',
        params: IdParams,
        response: { 200: Type.Ref(CreatedWebhookEndpointSchema), ...authProblems },
      },
    },
    async (request) => rotateEndpointSecret(services, workspaceOf(request), request.params.id),
  );
}
