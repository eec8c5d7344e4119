import type { Services } from '../platform/context.js';
import type { MetricsRegistry } from '../platform/metrics.js';
import type { DeliveryStatus } from './schema.js';
import { isSuccessStatus, type AttemptOutcome } from './sender.js';

/** What one attempt's answer was: a 2xx, another status, or no answer at all. */
export type AttemptResult = 'success' | 'http_error' | 'network_error';

/** A delivery's last word: delivered, given up on, or refused before any attempt. */
export type DeliveryOutcome = 'succeeded' | 'failed' | 'refused';

export interface WebhookMetrics {
  observeAttempt(outcome: AttemptOutcome, status: DeliveryStatus): void;
  countRefused(count: number): void;
}

function resultOf(outcome: AttemptOutcome): AttemptResult {
  if (outcome.statusCode === null) return 'network_error';
  return isSuccessStatus(outcome.statusCode) ? 'success' : 'http_error';
}

/**
 * This process's webhook counters (each process counts what it did; a scraper sums the
 * processes). Asking again with the same registry returns the same counters.
 */
export function webhookMetrics(registry: MetricsRegistry): WebhookMetrics {
  const attempts = registry.counter(
    'showtrust_webhook_attempts_total',
    'Delivery attempts by result: success (2xx), http_error (other status), network_error (no response).',
  );
  const deliveries = registry.counter(
    'showtrust_webhook_deliveries_total',
    'Deliveries by outcome: succeeded, failed (schedule used up), refused (payload too large or endpoint queue full).',
  );
  const latency = registry.histogram(
    'showtrust_webhook_attempt_duration_seconds',
    'Duration of one delivery attempt, from connecting to the end of the response excerpt.',
  );
  return {
    observeAttempt(outcome, status) {
      attempts.inc({ result: resultOf(outcome) });
      latency.observe(outcome.durationMs / 1000);
      if (status !== 'pending') deliveries.inc({ outcome: status });
    },
    countRefused(count) {
      if (count > 0) deliveries.inc({ outcome: 'refused' }, count);
    },
  };
}

/**
 * Gauges of the shared queue, read from the database at scrape time, so every process
 * reports the same numbers. Parked deliveries (their endpoint is disabled) are apart.
 */
export function registerQueueGauges(services: Pick<Services, 'db' | 'clock' | 'metrics'>): void {
  const db = services.db.kysely;
  const ageSeconds = (iso: string | null | undefined) =>
    iso ? Math.max(0, (services.clock.nowMs() - Date.parse(iso)) / 1000) : 0;
  const waiting = () =>
    db
      .selectFrom('webhook_deliveries')
      .where('status', '=', 'pending')
      .where('next_attempt_at', 'is not', null);

  services.metrics.gauge(
    'showtrust_webhook_queue_depth',
    'Pending deliveries waiting for an attempt, in all processes.',
    async () => {
      const row = await waiting()
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .executeTakeFirst();
      return [{ value: Number(row?.n ?? 0) }];
    },
  );
  services.metrics.gauge(
    'showtrust_webhook_parked_deliveries',
    'Pending deliveries of disabled endpoints, held until they are re-enabled.',
    async () => {
      const row = await db
        .selectFrom('webhook_deliveries')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('status', '=', 'pending')
        .where('next_attempt_at', 'is', null)
        .executeTakeFirst();
      return [{ value: Number(row?.n ?? 0) }];
    },
  );
  services.metrics.gauge(
    'showtrust_webhook_oldest_pending_age_seconds',
    'Age of the oldest pending (not parked) delivery, 0 when none is pending.',
    async () => {
      const row = await waiting()
        .select((eb) => eb.fn.min('created_at').as('oldest'))
        .executeTakeFirst();
      return [{ value: ageSeconds(row?.oldest) }];
    },
  );
  services.metrics.gauge(
    'showtrust_webhook_due_lag_seconds',
    'How long the most overdue pending delivery has been due: 0 when the workers keep up.',
    async () => {
      const now = new Date(services.clock.nowMs()).toISOString();
      const row = await waiting()
        .where('next_attempt_at', '<=', now)
        .select((eb) => eb.fn.min('next_attempt_at').as('due'))
        .executeTakeFirst();
      return [{ value: ageSeconds(row?.due) }];
    },
  );
}
