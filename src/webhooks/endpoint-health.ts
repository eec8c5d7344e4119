import type { Transaction } from 'kysely';
import type { Services } from '../platform/context.js';
import type { Database } from '../platform/db/schema.js';
import { notifyEndpointDisabled } from './disabled-notice.js';
import { isSuccessStatus, type AttemptOutcome } from './sender.js';
import { toEndpoint } from './store.js';

const DAY_MS = 24 * 60 * 60 * 1_000;

/** An endpoint whose every attempt has failed for this long is disabled (C02). */
export const DISABLE_AFTER_FAILING_MS = 5 * DAY_MS;

/** A receiver's 410 Gone says the endpoint is no more: it is disabled, a REST hook removed. */
export const GONE_STATUS = 410;

export const ENDPOINT_DISABLED_EVENT = 'webhook_endpoint.disabled';

export type DisabledReason = 'manual' | 'gone' | 'failing';

export interface AttemptForHealth {
  endpointId: string;
  kind: string;
  /** The endpoint's failure streak start as read before the attempt; undefined if not read. */
  failingSince?: string | null;
  outcome: AttemptOutcome;
  attemptAtMs: number;
}

type HealthServices = Pick<Services, 'outbox' | 'log' | 'mailer' | 'config'>;

/**
 * Disables an enabled endpoint and records `webhook_endpoint.disabled`, in the caller's
 * transaction. The condition makes it happen once, however many attempts race to it.
 */
async function disableEndpoint(
  trx: Transaction<Database>,
  services: HealthServices,
  attempt: AttemptForHealth,
  reason: Exclude<DisabledReason, 'manual'>,
): Promise<void> {
  const now = new Date(attempt.attemptAtMs).toISOString();
  let update = trx
    .updateTable('webhook_endpoints')
    .set({ enabled: 0, disabled_reason: reason, updated_at: now })
    .where('id', '=', attempt.endpointId)
    .where('enabled', '=', 1);
  if (reason === 'failing') {
    const cutoff = new Date(attempt.attemptAtMs - DISABLE_AFTER_FAILING_MS).toISOString();
    update = update.where('failing_since', '<=', cutoff);
  }
  const row = await update.returningAll().executeTakeFirst();
  if (!row) return;

  const endpoint = toEndpoint(row);
  await services.outbox.record(trx, row.workspace_id, ENDPOINT_DISABLED_EVENT, endpoint);
  services.log.warn(
    { endpointId: row.id, workspaceId: row.workspace_id, reason },
    'webhook endpoint disabled',
  );
  await notifyEndpointDisabled(trx, services, endpoint, row.workspace_id);
}

/** A REST hook whose target answered 410 unsubscribes itself (the REST Hooks convention). */
async function removeHook(
  trx: Transaction<Database>,
  services: HealthServices,
  endpointId: string,
): Promise<void> {
  await trx.deleteFrom('webhook_endpoints').where('id', '=', endpointId).execute();
  services.log.info({ endpointId }, 'rest hook removed after 410');
}

/**
 * What one attempt says about its endpoint, written with the attempt: a success ends a
 * failure streak; a 410 disables (or removes a hook); a failure starts or extends the
 * streak, and a streak of DISABLE_AFTER_FAILING_MS disables the endpoint.
 */
export async function noteEndpointHealth(
  trx: Transaction<Database>,
  services: HealthServices,
  attempt: AttemptForHealth,
): Promise<void> {
  const { endpointId, outcome } = attempt;
  if (isSuccessStatus(outcome.statusCode)) {
    // Most successes follow successes: nothing to end. A streak begun by an attempt that
    // finished meanwhile is ended by the next success, which reads it.
    if (attempt.failingSince === null) return;
    await trx
      .updateTable('webhook_endpoints')
      .set({ failing_since: null })
      .where('id', '=', endpointId)
      .where('failing_since', 'is not', null)
      .execute();
    return;
  }

  if (outcome.statusCode === GONE_STATUS) {
    if (attempt.kind === 'hook') await removeHook(trx, services, endpointId);
    else await disableEndpoint(trx, services, attempt, 'gone');
    return;
  }

  await trx
    .updateTable('webhook_endpoints')
    .set({ failing_since: new Date(attempt.attemptAtMs).toISOString() })
    .where('id', '=', endpointId)
    .where('failing_since', 'is', null)
    .execute();
  await disableEndpoint(trx, services, attempt, 'failing');
}
