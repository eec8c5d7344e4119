import type { Insertable } from 'kysely';
import type { Services } from '../platform/context.js';
import type { WebhookDeliveryTable } from '../platform/db/schema.js';
import { newId } from '../platform/ids.js';
import type { EventSubscriber, OutboxEvent } from '../platform/outbox.js';
import { encodeWebhookBody, enqueueDelivery } from './deliver.js';
import { refusalReason } from './delivery-limits.js';
import { countPending, insertDeliveries } from './delivery-store.js';
import { matchesEventFilter } from './event-types.js';
import { webhookMetrics } from './metrics.js';
import { enabledEndpointRows, type EndpointRow } from './store.js';

function deliveryRow(
  event: OutboxEvent,
  endpoint: EndpointRow,
  nowMs: number,
  refusal: string | undefined,
): Insertable<WebhookDeliveryTable> {
  const now = new Date(nowMs).toISOString();
  return {
    id: newId('webhookDelivery', nowMs),
    workspace_id: event.workspace_id,
    endpoint_id: endpoint.id,
    event_id: event.id,
    status: refusal ? 'failed' : 'pending',
    attempt_count: 0,
    next_attempt_at: refusal ? null : now,
    last_status_code: null,
    last_error: refusal ?? null,
    created_at: now,
    updated_at: now,
  };
}

/**
 * Turns an event into one delivery per enabled endpoint whose filter matches, and a job
 * for each, inside the transaction that records the event. Running it twice for the same
 * event inserts nothing new and queues nothing twice. Oversized events and endpoints at
 * their pending cap get a failed delivery with the reason instead of a job.
 */
export function fanOutToEndpoints(
  services: Pick<Services, 'clock' | 'config' | 'log' | 'metrics'>,
): EventSubscriber {
  const metrics = webhookMetrics(services.metrics);
  return async (trx, event) => {
    const endpoints = await enabledEndpointRows(trx, event.workspace_id);
    const subscribed = endpoints.filter((endpoint) =>
      matchesEventFilter(JSON.parse(endpoint.events) as string[], event.type),
    );
    if (subscribed.length === 0) return;

    const payloadBytes = encodeWebhookBody(event.type, event.created_at, event.data).length;
    const pending = await countPending(
      trx,
      subscribed.map((endpoint) => endpoint.id),
    );
    const { maxPendingPerEndpoint } = services.config.webhooks;
    const nowMs = services.clock.nowMs();
    const rows = subscribed.map((endpoint) => {
      const refusal = refusalReason(
        payloadBytes,
        pending.get(endpoint.id) ?? 0,
        maxPendingPerEndpoint,
      );
      return deliveryRow(event, endpoint, nowMs, refusal);
    });

    const inserted = new Set(await insertDeliveries(trx, rows));
    const added = rows.filter((row) => inserted.has(row.id));
    for (const row of added.filter((r) => r.status === 'pending')) {
      await enqueueDelivery(trx, services, { id: row.id, endpointId: row.endpoint_id });
    }
    const refused = added.filter((r) => r.status === 'failed');
    for (const row of refused) {
      const fields = { eventId: event.id, endpointId: row.endpoint_id, reason: row.last_error };
      services.log.warn(fields, 'webhook delivery refused');
    }
    metrics.countRefused(refused.length);
  };
}
