import type { Dispatcher } from 'undici';
import type { Services } from '../platform/context.js';
import type { Executor } from '../platform/db/database.js';
import { newId } from '../platform/ids.js';
import {
  enqueueJob,
  finishJobIn,
  rescheduleJobIn,
  type Job,
  type JobHandler,
  type JobRetry,
  type JobSettled,
} from '../platform/jobs.js';
import {
  findDeliveryRow,
  loadDeliveryWork,
  parkDelivery,
  recordAttempt,
  refuseDelivery,
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
import { oversizeReason } from './delivery-limits.js';
import { noteEndpointHealth } from './endpoint-health.js';
import { takeRateSlot } from './endpoint-rate-limit.js';
import type { WebhookMetrics } from './metrics.js';
import { signingSecrets } from './secret-rotation.js';
import { signatureHeader } from './signing.js';
import { TransactionBatcher } from './transaction-batcher.js';

export const DELIVER_JOB = 'webhook.deliver';

/**
 * Attempt records wait this long for others to share their commit. Nothing waits on them
 * but the job's own end: the endpoint's slot is free as soon as the response is in.
 */
export const RECORD_COLLECT_MS = 20;
export const USER_AGENT = 'ShowTrust-Webhooks/1';

interface DeliverPayload {
  delivery_id: string;
}

export type DeliveryScheduling = Pick<Services, 'clock' | 'config'>;

/**
 * Queues one attempt at a delivery, in the caller's transaction. The job belongs to its
 * endpoint's group, so at most WEBHOOK_ENDPOINT_CONCURRENCY attempts at one endpoint run
 * at once, in every process together, and the rest of the queue flows past it.
 */
export async function enqueueDelivery(
  executor: Executor,
  services: DeliveryScheduling,
  delivery: { id: string; endpointId: string },
  runAtMs?: number,
): Promise<string> {
  const payload: DeliverPayload = { delivery_id: delivery.id };
  const group = { key: delivery.endpointId, limit: services.config.webhooks.endpointConcurrency };
  return enqueueJob(executor, services.clock, DELIVER_JOB, payload, runAtMs, group);
}

/** The exact bytes of a message body: `{type, timestamp, data}` as UTF-8 JSON. */
export function encodeWebhookBody(type: string, timestamp: string, data: unknown): Buffer {
  return Buffer.from(JSON.stringify({ type, timestamp, data }), 'utf8');
}

/**
 * The signed request for one attempt. `webhook-id` is the event id, so it is the same on
 * every retry and for every endpoint; the timestamp and signature are fresh each time.
 */
export function buildWebhookMessage(
  message: { url: string; eventId: string; body: Buffer },
  secrets: readonly string[],
  timestampSec: number,
): OutgoingWebhook {
  const { url, eventId, body } = message;
  return {
    url,
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'webhook-id': eventId,
      'webhook-timestamp': String(timestampSec),
      'webhook-signature': signatureHeader(secrets, eventId, timestampSec, body),
    },
  };
}

/**
 * The same bytes as encodeWebhookBody, from an event's data as stored: the outbox stores
 * JSON.stringify's output, which parsing and encoding again would only reproduce.
 */
export function encodeStoredWebhookBody(type: string, timestamp: string, dataJson: string) {
  const head = `{"type":${JSON.stringify(type)},"timestamp":${JSON.stringify(timestamp)},"data":`;
  return Buffer.from(`${head}${dataJson}}`, 'utf8');
}

function messageFor(work: DeliveryWork) {
  return {
    url: work.url,
    eventId: work.event_id,
    body: encodeStoredWebhookBody(work.event_type, work.event_created_at, work.event_data),
  };
}

/** Most decrypted signing secrets one handler keeps; past it, it starts afresh. */
const PLAIN_SECRETS_KEPT = 1_000;

/**
 * Decrypting a sealed secret costs more than signing with it, so each sealed text is
 * decrypted once. A rotation seals a new text, so a kept secret is never stale.
 */
function decryptingOnce(decrypt: (sealed: string) => string): (sealed: string) => string {
  const plain = new Map<string, string>();
  return (sealed) => {
    let secret = plain.get(sealed);
    if (secret === undefined) {
      secret = decrypt(sealed);
      if (plain.size >= PLAIN_SECRETS_KEPT) plain.clear();
      plain.set(sealed, secret);
    }
    return secret;
  };
}

export interface DeliveryHandlerOptions {
  dispatcher: Dispatcher;
  jitter: Jitter;
  metrics: WebhookMetrics;
}

interface RecordContext extends DeliveryHandlerOptions {
  /** Attempts that finish together are recorded in one commit. */
  batcher: TransactionBatcher;
}

/** After a lost race with another worker, follow whatever that worker recorded. */
async function currentPlan(services: Services, deliveryId: string): Promise<JobRetry | void> {
  const row = await findDeliveryRow(services.db.kysely, deliveryId);
  if (row?.status === 'pending' && row.next_attempt_at) {
    return { retryAtMs: Date.parse(row.next_attempt_at) };
  }
}

interface AttemptPlan {
  attempt: number;
  status: DeliveryStatus;
  retryAtMs: number | undefined;
}

/** What an outcome means: done, failed for good, or pending with the next attempt's time. */
function planAfter(
  work: DeliveryWork,
  outcome: AttemptOutcome,
  nowMs: number,
  jitter: Jitter,
): AttemptPlan {
  const attempt = work.attempt_count + 1;
  if (isSuccessStatus(outcome.statusCode)) {
    return { attempt, status: 'succeeded', retryAtMs: undefined };
  }
  const retryAfterMs = parseRetryAfter(outcome.retryAfter, nowMs);
  const delayMs = nextRetryDelayMs(
    { attempt, statusCode: outcome.statusCode, retryAfterMs },
    jitter,
  );
  if (delayMs === undefined) return { attempt, status: 'failed', retryAtMs: undefined };
  return { attempt, status: 'pending', retryAtMs: nowMs + delayMs };
}

function logOutcome(
  services: Services,
  work: DeliveryWork,
  plan: AttemptPlan,
  outcome: AttemptOutcome,
  metrics: WebhookMetrics,
) {
  metrics.observeAttempt(outcome, plan.status);
  const fields = {
    deliveryId: work.id,
    endpointId: work.endpoint_id,
    eventId: work.event_id,
    attempt: plan.attempt,
    statusCode: outcome.statusCode,
    error: outcome.error,
  };
  if (plan.status === 'succeeded') services.log.debug(fields, 'webhook delivered');
  else if (plan.status === 'failed') services.log.warn(fields, 'webhook delivery failed');
  else services.log.warn({ ...fields, retryAtMs: plan.retryAtMs }, 'webhook attempt failed');
}

function attemptRow(
  work: DeliveryWork,
  plan: AttemptPlan,
  startedAtMs: number,
  outcome: AttemptOutcome,
) {
  return {
    id: newId('webhookAttempt', startedAtMs),
    workspace_id: work.workspace_id,
    delivery_id: work.id,
    endpoint_id: work.endpoint_id,
    attempt: plan.attempt,
    status_code: outcome.statusCode,
    duration_ms: outcome.durationMs,
    error: outcome.error,
    response_excerpt: outcome.responseExcerpt,
    created_at: new Date(startedAtMs).toISOString(),
  };
}

/**
 * Stores the attempt, what it says about the endpoint and the job's next state, in one
 * transaction shared with other attempts that finished at the same time. A lost race with another worker stores nothing.
 */
async function recordOutcome(
  services: Services,
  job: Job,
  work: DeliveryWork,
  startedAtMs: number,
  outcome: AttemptOutcome,
  options: RecordContext,
): Promise<JobRetry | JobSettled | void> {
  const plan = planAfter(work, outcome, services.clock.nowMs(), options.jitter);
  const { retryAtMs } = plan;

  // False when another worker recorded this attempt first.
  const stored = await options.batcher.run(async (trx) => {
    const stored = await recordAttempt(trx, {
      status: plan.status,
      nextAttemptAt: retryAtMs === undefined ? null : new Date(retryAtMs).toISOString(),
      attempt: attemptRow(work, plan, startedAtMs, outcome),
    });
    if (!stored) return false;
    const attempt = {
      endpointId: work.endpoint_id,
      kind: work.kind,
      failingSince: work.failing_since,
      outcome,
    };
    await noteEndpointHealth(trx, services, { ...attempt, attemptAtMs: startedAtMs });
    if (retryAtMs === undefined) await finishJobIn(trx, job);
    else await rescheduleJobIn(trx, job, retryAtMs);
    return true;
  });
  if (!stored) return currentPlan(services, work.id);

  logOutcome(services, work, plan, outcome, options.metrics);
  return { settled: true };
}

/**
 * One attempt per job run. A finished or deleted delivery ends the job; a delivery of a
 * disabled endpoint is parked (stays pending without a job) until the endpoint is
 * re-enabled; an endpoint over its rate limit sends it in the next second; otherwise the
 * attempt is sent, signed with every live secret, recorded, and the job comes back for
 * the next scheduled attempt.
 */
export function createDeliveryHandler(
  services: Services,
  options: DeliveryHandlerOptions,
): JobHandler {
  const db = services.db.kysely;
  // Attempt records are at-least-once bookkeeping: a record lost with the machine's power
  // only means the attempt is sent again, so their commits need not wait for a disk sync.
  const batcher = new TransactionBatcher((fn) => services.db.relaxedTransaction(fn), {
    collectMs: RECORD_COLLECT_MS,
  });
  const context = { ...options, batcher };
  const decrypt = decryptingOnce((sealed) => services.secrets.decrypt(sealed));
  return async (payload, job, slot) => {
    const { delivery_id } = payload as DeliverPayload;
    const work = await loadDeliveryWork(db, delivery_id);
    if (!work || work.status !== 'pending') return;
    if (work.enabled === 0) {
      await parkDelivery(db, work.id);
      return;
    }

    const content = messageFor(work);
    // Fan-out refuses these already; this catches one queued again by retry or recover.
    const oversize = oversizeReason(content.body.length);
    if (oversize) {
      await refuseDelivery(db, work.id, oversize, new Date(services.clock.nowMs()).toISOString());
      options.metrics.countRefused(1);
      return;
    }

    if (work.rate_limit_per_second !== null) {
      const limit = work.rate_limit_per_second;
      const nextWindowMs = await takeRateSlot(db, work.endpoint_id, limit, services.clock.nowMs());
      if (nextWindowMs !== undefined) return { retryAtMs: nextWindowMs };
    }

    const startedAtMs = services.clock.nowMs();
    const secrets = signingSecrets(work, startedAtMs, decrypt);
    const message = buildWebhookMessage(content, secrets, Math.floor(startedAtMs / 1000));
    const { timeoutMs } = services.config.webhooks;
    const outcome = await sendWebhook(options.dispatcher, message, timeoutMs);
    // The endpoint's cap counts requests in flight: the next one may go while this records.
    slot.release();
    return recordOutcome(services, job, work, startedAtMs, outcome, context);
  };
}
