import type { Dispatcher } from 'undici';
import type { Services } from '../platform/context.js';
import type { Executor } from '../platform/db/database.js';
import { newId } from '../platform/ids.js';
import { enqueueJob, type JobHandler, type JobRetry } from '../platform/jobs.js';
import type { Clock } from '../platform/time.js';
import {
  findDeliveryRow,
  loadDeliveryWork,
  parkDelivery,
  recordAttempt,
  type DeliveryWork,
} from './delivery-store.js';
import { nextRetryDelayMs, parseRetryAfter, type Jitter } from './retry-policy.js';
import type { DeliveryStatus } from './schema.js';
import {
  isSuccessStatus,
  sendWebhook,
  type AttemptOutcome,
  type OutgoingWebhook,
} from './sender.js';
import { signPayload } from './signing.js';

export const DELIVER_JOB = 'webhook.deliver';
export const USER_AGENT = 'ShowTrust-Webhooks/1';

interface DeliverPayload {
  delivery_id: string;
}

/** Queues one attempt at a delivery, in the caller's transaction. */
export async function enqueueDelivery(
  executor: Executor,
  clock: Clock,
  deliveryId: string,
  runAtMs?: number,
): Promise<string> {
  const payload: DeliverPayload = { delivery_id: deliveryId };
  return enqueueJob(executor, clock, DELIVER_JOB, payload, runAtMs);
}

/**
 * The signed request for one attempt. `webhook-id` is the event id, so it is the same on
 * every retry and for every endpoint; the timestamp and signature are fresh each time.
 */
export function buildWebhookMessage(
  work: DeliveryWork,
  secret: string,
  timestampSec: number,
): OutgoingWebhook {
  const payload = {
    type: work.event_type,
    timestamp: work.event_created_at,
    data: JSON.parse(work.event_data) as unknown,
  };
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  return {
    url: work.url,
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'webhook-id': work.event_id,
      'webhook-timestamp': String(timestampSec),
      'webhook-signature': signPayload(secret, work.event_id, timestampSec, body),
    },
  };
}

export interface DeliveryHandlerOptions {
  dispatcher: Dispatcher;
  jitter: Jitter;
}

/** After a lost race with another worker, follow whatever that worker recorded. */
async function currentPlan(services: Services, deliveryId: string): Promise<JobRetry | void> {
  const row = await findDeliveryRow(services.db.kysely, deliveryId);
  if (row?.status === 'pending' && row.next_attempt_at) {
    return { retryAtMs: Date.parse(row.next_attempt_at) };
  }
}

async function recordOutcome(
  services: Services,
  work: DeliveryWork,
  startedAtMs: number,
  outcome: AttemptOutcome,
  jitter: Jitter,
): Promise<JobRetry | void> {
  const nowMs = services.clock.nowMs();
  const attempt = work.attempt_count + 1;
  const succeeded = isSuccessStatus(outcome.statusCode);
  const retryAfterMs = parseRetryAfter(outcome.retryAfter, nowMs);
  const delayMs = succeeded
    ? undefined
    : nextRetryDelayMs({ attempt, statusCode: outcome.statusCode, retryAfterMs }, jitter);
  const retryAtMs = delayMs === undefined ? undefined : nowMs + delayMs;
  const status: DeliveryStatus = succeeded
    ? 'succeeded'
    : retryAtMs !== undefined
      ? 'pending'
      : 'failed';

  const recorded = await services.transaction((trx) =>
    recordAttempt(trx, {
      status,
      nextAttemptAt: retryAtMs === undefined ? null : new Date(retryAtMs).toISOString(),
      attempt: {
        id: newId('webhookAttempt', startedAtMs),
        workspace_id: work.workspace_id,
        delivery_id: work.id,
        endpoint_id: work.endpoint_id,
        attempt,
        status_code: outcome.statusCode,
        duration_ms: outcome.durationMs,
        error: outcome.error,
        response_excerpt: outcome.responseExcerpt,
        created_at: new Date(startedAtMs).toISOString(),
      },
    }),
  );
  if (!recorded) return currentPlan(services, work.id);

  const fields = {
    deliveryId: work.id,
    endpointId: work.endpoint_id,
    eventId: work.event_id,
    attempt,
    statusCode: outcome.statusCode,
    error: outcome.error,
  };
  if (status === 'succeeded') services.log.debug(fields, 'webhook delivered');
  else if (status === 'failed') services.log.warn(fields, 'webhook delivery failed');
  else services.log.warn({ ...fields, retryAtMs }, 'webhook attempt failed');
  return retryAtMs === undefined ? undefined : { retryAtMs };
}

/**
 * One attempt per job run. A finished or deleted delivery ends the job; a delivery of a
 * disabled endpoint is parked (stays pending without a job) until the endpoint is
 * re-enabled; otherwise the attempt is sent, recorded, and the job comes back for the
 * next scheduled attempt.
 */
export function createDeliveryHandler(
  services: Services,
  options: DeliveryHandlerOptions,
): JobHandler {
  return async (payload) => {
    const { delivery_id } = payload as DeliverPayload;
    const work = await loadDeliveryWork(services.db.kysely, delivery_id);
    if (!work || work.status !== 'pending') return;
    if (work.enabled === 0) {
      await parkDelivery(services.db.kysely, work.id);
      return;
    }

    const startedAtMs = services.clock.nowMs();
    const secret = services.secrets.decrypt(work.secret_encrypted);
    const message = buildWebhookMessage(work, secret, Math.floor(startedAtMs / 1000));
    const outcome = await sendWebhook(
      options.dispatcher,
      message,
      services.config.webhooks.timeoutMs,
    );
    return recordOutcome(services, work, startedAtMs, outcome, options.jitter);
  };
}
