import type { Services } from '../platform/context.js';
import { newId } from '../platform/ids.js';
import type { EventSubscriber } from '../platform/outbox.js';
import { enqueueDelivery } from './deliver.js';
import { insertDeliveries } from './delivery-store.js';
import { matchesEventFilter } from './event-types.js';
import { enabledEndpointRows } from './store.js';

/**
 * Turns an event into one delivery per enabled endpoint whose filter matches, and a job
 * for each, inside the transaction that records the event. Running it twice for the same
 * event inserts nothing new and queues nothing twice.
 */
export function fanOutToEndpoints(services: Pick<Services, 'clock'>): EventSubscriber {
  return async (trx, event) => {
    const endpoints = await enabledEndpointRows(trx, event.workspace_id);
    const subscribed = endpoints.filter((endpoint) =>
      matchesEventFilter(JSON.parse(endpoint.events) as string[], event.type),
    );
    if (subscribed.length === 0) return;

    const nowMs = services.clock.nowMs();
    const now = new Date(nowMs).toISOString();
    const inserted = await insertDeliveries(
      trx,
      subscribed.map((endpoint) => ({
        id: newId('webhookDelivery', nowMs),
        workspace_id: event.workspace_id,
        endpoint_id: endpoint.id,
        event_id: event.id,
        status: 'pending',
        attempt_count: 0,
        next_attempt_at: now,
        last_status_code: null,
        last_error: null,
        created_at: now,
        updated_at: now,
      })),
    );
    for (const deliveryId of inserted) await enqueueDelivery(trx, services.clock, deliveryId);
  };
}
