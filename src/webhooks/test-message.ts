import type { Dispatcher } from 'undici';
import type { Services } from '../platform/context.js';
import { newId } from '../platform/ids.js';
import { buildWebhookMessage, encodeWebhookBody } from './deliver.js';
import { exampleMessage } from './event-types-doc.js';
import type { EventType } from './event-types.js';
import { createGuardedAgent } from './guarded-agent.js';
import type { WebhookTestResult } from './schema.js';
import { signingSecrets } from './secret-rotation.js';
import { isSuccessStatus, sendWebhook } from './sender.js';
import { requireEndpoint } from './service.js';

/**
 * Sends the catalogue's example of an event type to an endpoint now, signed like any
 * message, and returns how the attempt went. Nothing is stored and the endpoint's health
 * is untouched: its `webhook-id` is a fresh `evt_` id that is not in the event log.
 * The same address guard applies as for real deliveries.
 */
export async function sendTestMessage(
  services: Services,
  workspaceId: string,
  endpointId: string,
  type: EventType,
  dispatcher?: Dispatcher,
): Promise<WebhookTestResult> {
  const endpoint = await requireEndpoint(services.db.kysely, workspaceId, endpointId);
  const example = exampleMessage(type);
  const nowMs = services.clock.nowMs();
  const eventId = newId('event', nowMs);
  const body = encodeWebhookBody(type, new Date(nowMs).toISOString(), example.data);
  const secrets = signingSecrets(endpoint, nowMs, (sealed) => services.secrets.decrypt(sealed));
  const message = buildWebhookMessage(
    { url: endpoint.url, eventId, body },
    secrets,
    Math.floor(nowMs / 1000),
  );

  const { allowPrivate, timeoutMs } = services.config.webhooks;
  const agent = dispatcher ?? createGuardedAgent({ allowPrivate, connectTimeoutMs: timeoutMs });
  try {
    const outcome = await sendWebhook(agent, message, timeoutMs);
    return {
      object: 'webhook_test',
      endpoint_id: endpoint.id,
      event_type: type,
      webhook_id: eventId,
      succeeded: isSuccessStatus(outcome.statusCode),
      status_code: outcome.statusCode,
      duration_ms: outcome.durationMs,
      error: outcome.error,
      response_excerpt: outcome.responseExcerpt,
    };
  } finally {
    if (!dispatcher) await agent.close();
  }
}
