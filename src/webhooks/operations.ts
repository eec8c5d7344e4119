import type { Transaction } from 'kysely';
import type { Services } from '../platform/context.js';
import type { Database } from '../platform/db/schema.js';
import { AppError, notFound } from '../platform/errors.js';
import { enqueueDelivery } from './deliver.js';
import {
  countPending,
  failedDeliveryIdsSince,
  getDelivery,
  requeueDelivery,
} from './delivery-store.js';
import type { CreatedWebhookEndpoint, WebhookDelivery, WebhookRecovery } from './schema.js';
import { SECRET_ROTATION_OVERLAP_MS } from './secret-rotation.js';
import { requireEndpoint } from './service.js';
import { generateSecret } from './signing.js';
import { toEndpoint, updateEndpointRow, type EndpointRow } from './store.js';

/** Operator actions on an endpoint's deliveries and secret. */

async function requireEnabledEndpoint(
  trx: Transaction<Database>,
  workspaceId: string,
  endpointId: string,
): Promise<EndpointRow> {
  const endpoint = await requireEndpoint(trx, workspaceId, endpointId);
  if (endpoint.enabled === 0) {
    throw new AppError('conflict', 'the webhook endpoint is disabled; re-enable it first');
  }
  return endpoint;
}

/** Room left under the endpoint's pending cap. */
async function pendingRoom(
  trx: Transaction<Database>,
  services: Services,
  endpointId: string,
): Promise<number> {
  const pending = (await countPending(trx, [endpointId])).get(endpointId) ?? 0;
  return Math.max(0, services.config.webhooks.maxPendingPerEndpoint - pending);
}

/**
 * Sends one finished delivery again, now. Its attempts go on counting: a delivery whose
 * schedule was used up gets one attempt, one refused at the source the whole schedule.
 */
export async function retryDelivery(
  services: Services,
  workspaceId: string,
  endpointId: string,
  deliveryId: string,
): Promise<WebhookDelivery> {
  const now = new Date(services.clock.nowMs()).toISOString();
  return services.transaction(async (trx) => {
    await requireEnabledEndpoint(trx, workspaceId, endpointId);
    const before = await getDelivery(trx, { endpointId }, deliveryId);
    if (!before) throw notFound('webhook delivery');
    if (before.status === 'pending') {
      throw new AppError('conflict', 'the delivery is pending already; it will be attempted');
    }
    if ((await pendingRoom(trx, services, endpointId)) === 0) {
      throw new AppError('conflict', 'the endpoint is at its limit of pending deliveries');
    }

    await requeueDelivery(trx, deliveryId, now);
    await enqueueDelivery(trx, services, { id: deliveryId, endpointId });
    return (await getDelivery(trx, { endpointId }, deliveryId))!;
  });
}

/**
 * Re-sends every failed delivery of events since `since`, oldest first (jobs queued in
 * that order are claimed in that order), up to the endpoint's pending cap; what does not
 * fit stays failed and is counted, so a second call can continue.
 */
export async function recoverEndpoint(
  services: Services,
  workspaceId: string,
  endpointId: string,
  since: string,
): Promise<WebhookRecovery> {
  const sinceIso = new Date(since).toISOString();
  const now = new Date(services.clock.nowMs()).toISOString();
  return services.transaction(async (trx) => {
    await requireEnabledEndpoint(trx, workspaceId, endpointId);
    const failed = await failedDeliveryIdsSince(trx, endpointId, sinceIso);
    const queue = failed.slice(0, await pendingRoom(trx, services, endpointId));

    for (const id of queue) {
      await requeueDelivery(trx, id, now);
      await enqueueDelivery(trx, services, { id, endpointId });
    }
    return {
      object: 'webhook_recovery',
      endpoint_id: endpointId,
      since: sinceIso,
      queued: queue.length,
      not_queued: failed.length - queue.length,
    };
  });
}

/**
 * Replaces the signing secret. The new one is returned once; the old one goes on
 * signing beside it for SECRET_ROTATION_OVERLAP_MS. Rotating again inside the overlap
 * retires the oldest at once.
 */
export async function rotateEndpointSecret(
  services: Services,
  workspaceId: string,
  endpointId: string,
): Promise<CreatedWebhookEndpoint> {
  const nowMs = services.clock.nowMs();
  const secret = generateSecret();
  return services.transaction(async (trx) => {
    const before = await requireEndpoint(trx, workspaceId, endpointId);
    const changes = {
      secret_encrypted: services.secrets.encrypt(secret),
      previous_secret_encrypted: before.secret_encrypted,
      previous_secret_expires_at: new Date(nowMs + SECRET_ROTATION_OVERLAP_MS).toISOString(),
      updated_at: new Date(nowMs).toISOString(),
    };
    await updateEndpointRow(trx, endpointId, changes);
    return { ...toEndpoint({ ...before, ...changes }), secret };
  });
}
