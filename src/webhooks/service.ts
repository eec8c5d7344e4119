import type { Updateable } from 'kysely';
import type { Services } from '../platform/context.js';
import type { Executor } from '../platform/db/database.js';
import type { WebhookEndpointTable } from '../platform/db/schema.js';
import { AppError, notFound, type FieldError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { enqueueDelivery } from './deliver.js';
import { listDeliveries, resumeParkedDeliveries } from './delivery-store.js';
import { DEFAULT_EVENT_FILTER, isValidEventPattern } from './event-types.js';
import type {
  CreateWebhookEndpointInput,
  CreatedWebhookEndpoint,
  EndpointKind,
  ListDeliveriesFilter,
  UpdateWebhookEndpointInput,
  WebhookDelivery,
  WebhookEndpoint,
} from './schema.js';
import { generateSecret } from './signing.js';
import {
  deleteEndpointRow,
  findEndpointRow,
  insertEndpoint,
  toEndpoint,
  updateEndpointRow,
  type EndpointRow,
} from './store.js';
import { validateEndpointUrl } from './url-policy.js';

/** Every filter entry must be a catalogued type or wildcard; each bad one is named. */
export function checkEventFilter(events: readonly string[]): string {
  const errors: FieldError[] = events.flatMap((pattern, i) =>
    isValidEventPattern(pattern)
      ? []
      : [{ field: `/events/${i}`, message: `"${pattern}" is not a known event type or wildcard` }],
  );
  if (errors.length > 0) {
    const summary = errors.map((e) => `${e.field} ${e.message}`).join('; ');
    throw new AppError('validation_failed', summary, errors);
  }
  return JSON.stringify(events);
}

export async function requireEndpoint(
  executor: Executor,
  workspaceId: string,
  id: string,
): Promise<EndpointRow> {
  const row = await findEndpointRow(executor, workspaceId, id);
  if (!row) throw notFound('webhook endpoint');
  return row;
}

/** Creates an endpoint with a fresh signing secret, stored only encrypted and returned once. */
export async function createEndpoint(
  services: Services,
  workspaceId: string,
  input: CreateWebhookEndpointInput,
  kind: EndpointKind = 'endpoint',
): Promise<CreatedWebhookEndpoint> {
  const url = validateEndpointUrl(input.url, services.config.webhooks);
  const events = checkEventFilter(input.events ?? DEFAULT_EVENT_FILTER);
  const secret = generateSecret();
  const nowMs = services.clock.nowMs();
  const now = new Date(nowMs).toISOString();

  const row: EndpointRow = {
    id: newId('webhookEndpoint', nowMs),
    workspace_id: workspaceId,
    url,
    description: input.description?.trim() ?? '',
    events,
    secret_encrypted: services.secrets.encrypt(secret),
    enabled: 1,
    created_at: now,
    updated_at: now,
    kind,
    rate_limit_per_second: input.rate_limit_per_second ?? null,
    rate_window_start: null,
    rate_window_count: 0,
    previous_secret_encrypted: null,
    previous_secret_expires_at: null,
    failing_since: null,
    disabled_reason: null,
  };
  await services.transaction((trx) => insertEndpoint(trx, row));
  return { ...toEndpoint(row), secret };
}

export async function getEndpoint(
  services: Services,
  workspaceId: string,
  id: string,
): Promise<WebhookEndpoint> {
  return toEndpoint(await requireEndpoint(services.db.kysely, workspaceId, id));
}

/**
 * Changes an endpoint. Re-enabling it starts a fresh failure window and resumes the
 * deliveries that were parked while it was disabled; events that happened meanwhile
 * were never queued for it.
 */
export async function updateEndpoint(
  services: Services,
  workspaceId: string,
  id: string,
  input: UpdateWebhookEndpointInput,
): Promise<WebhookEndpoint> {
  const now = new Date(services.clock.nowMs()).toISOString();
  const changes: Updateable<WebhookEndpointTable> = { updated_at: now };
  if (input.url !== undefined)
    changes.url = validateEndpointUrl(input.url, services.config.webhooks);
  if (input.events !== undefined) changes.events = checkEventFilter(input.events);
  if (input.description !== undefined) changes.description = input.description.trim();
  if (input.rate_limit_per_second !== undefined) {
    changes.rate_limit_per_second = input.rate_limit_per_second;
  }

  return services.transaction(async (trx) => {
    const before = await requireEndpoint(trx, workspaceId, id);
    if (input.enabled === false && before.enabled === 1) {
      Object.assign(changes, { enabled: 0, disabled_reason: 'manual' });
    }
    const reEnabled = input.enabled === true && before.enabled === 0;
    if (reEnabled)
      Object.assign(changes, { enabled: 1, disabled_reason: null, failing_since: null });
    await updateEndpointRow(trx, id, changes);
    if (reEnabled) {
      const resumed = await resumeParkedDeliveries(trx, id, now);
      for (const deliveryId of resumed) {
        await enqueueDelivery(trx, services, { id: deliveryId, endpointId: id });
      }
    }
    return toEndpoint({ ...before, ...changes } as EndpointRow);
  });
}

/** Deletes an endpoint with its deliveries and attempts; queued jobs then find nothing to do. */
export async function deleteEndpoint(
  services: Services,
  workspaceId: string,
  id: string,
): Promise<WebhookEndpoint> {
  return services.transaction(async (trx) => {
    const before = await requireEndpoint(trx, workspaceId, id);
    await deleteEndpointRow(trx, id);
    return toEndpoint(before);
  });
}

export async function listEndpointDeliveries(
  services: Services,
  workspaceId: string,
  endpointId: string,
  filter: ListDeliveriesFilter,
): Promise<{ data: WebhookDelivery[]; has_more: boolean }> {
  const executor = services.db.kysely;
  await requireEndpoint(executor, workspaceId, endpointId);
  return listDeliveries(executor, { endpointId }, filter);
}

/** One event's deliveries to the workspace's endpoints; the caller has checked the event. */
export async function listEventDeliveries(
  services: Services,
  workspaceId: string,
  eventId: string,
  filter: ListDeliveriesFilter,
): Promise<{ data: WebhookDelivery[]; has_more: boolean }> {
  return listDeliveries(services.db.kysely, { workspaceId, eventId }, filter);
}
