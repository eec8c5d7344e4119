/**
 * When a failed delivery is tried again. The policy is data: each rule is a named
 * constant, so the documentation, the tests and the code read the same numbers.
 */
const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;

/** Delay before retry n (1-based) after the first attempt fails; then the delivery fails. */
export const RETRY_SCHEDULE_MS: readonly number[] = [
  5 * SECOND_MS,
  5 * MINUTE_MS,
  30 * MINUTE_MS,
  2 * HOUR_MS,
  5 * HOUR_MS,
  10 * HOUR_MS,
  10 * HOUR_MS,
];

/** The first attempt plus one per scheduled retry. */
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length + 1;

/** Each scheduled delay is spread by up to ±20 %, so failed batches don't retry in lockstep. */
export const JITTER_RATIO = 0.2;

/**
 * A receiver's Retry-After (on 429 and 503) is honoured, clamped to this window, as the
 * least wait: a shorter one than the schedule's does not use attempts up faster.
 */
export const RETRY_AFTER_MIN_MS = 5 * SECOND_MS;
export const RETRY_AFTER_MAX_MS = 10 * HOUR_MS;
export const RETRY_AFTER_STATUSES: readonly number[] = [429, 503];

/** Spreads a delay; tests inject a fixed one to get exact times. */
export type Jitter = (delayMs: number) => number;

export function randomJitter(random: () => number = Math.random): Jitter {
  return (delayMs) => Math.round(delayMs * (1 + JITTER_RATIO * (2 * random() - 1)));
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * SECOND_MS;
  if (!/^[A-Za-z]{3}, /.test(text)) return undefined;
  const dateMs = Date.parse(text);
  return Number.isNaN(dateMs) ? undefined : Math.max(0, dateMs - nowMs);
}

export interface FailedAttempt {
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  statusCode: number | null;
  retryAfterMs: number | undefined;
}

/** Milliseconds until the next attempt, or undefined when the schedule is used up. */
export function nextRetryDelayMs(failure: FailedAttempt, jitter: Jitter): number | undefined {
  const scheduled = RETRY_SCHEDULE_MS[failure.attempt - 1];
  if (scheduled === undefined) return undefined;

  const honoursRetryAfter =
    failure.statusCode !== null && RETRY_AFTER_STATUSES.includes(failure.statusCode);
  const delayMs = jitter(scheduled);
  if (honoursRetryAfter && failure.retryAfterMs !== undefined) {
    const askedMs = Math.min(
      RETRY_AFTER_MAX_MS,
      Math.max(RETRY_AFTER_MIN_MS, failure.retryAfterMs),
    );
    return Math.max(delayMs, askedMs);
  }
  return delayMs;
}
