import { describe, expect, it } from 'vitest';
import {
  JITTER_RATIO,
  MAX_ATTEMPTS,
  RETRY_AFTER_MAX_MS,
  RETRY_AFTER_MIN_MS,
  RETRY_SCHEDULE_MS,
  nextRetryDelayMs,
  parseRetryAfter,
  randomJitter,
  type Jitter,
} from './retry-policy.js';

const noJitter: Jitter = (ms) => ms;
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

describe('retry policy', () => {
  it('follows the documented schedule, then gives up', () => {
    expect(RETRY_SCHEDULE_MS).toEqual([
      5 * SECOND,
      5 * MINUTE,
      30 * MINUTE,
      2 * HOUR,
      5 * HOUR,
      10 * HOUR,
      10 * HOUR,
    ]);
    expect(MAX_ATTEMPTS).toBe(8);
    const delays = Array.from({ length: MAX_ATTEMPTS }, (_, i) =>
      nextRetryDelayMs({ attempt: i + 1, statusCode: 500, retryAfterMs: undefined }, noJitter),
    );
    expect(delays).toEqual([...RETRY_SCHEDULE_MS, undefined]);
  });

  it('spreads delays by at most ±20 %', () => {
    expect(JITTER_RATIO).toBe(0.2);
    expect(randomJitter(() => 0)(5 * SECOND)).toBe(4 * SECOND);
    expect(randomJitter(() => 0.5)(5 * SECOND)).toBe(5 * SECOND);
    expect(randomJitter(() => 0.999999)(5 * SECOND)).toBe(6 * SECOND);
    const jitter = randomJitter();
    for (let i = 0; i < 200; i++) {
      const ms = jitter(5 * MINUTE);
      expect(ms).toBeGreaterThanOrEqual(4 * MINUTE);
      expect(ms).toBeLessThanOrEqual(6 * MINUTE);
    }
  });

  it('honours Retry-After on 429 and 503, clamped to [5 s, 10 h]', () => {
    const delay = (statusCode: number, retryAfterMs: number | undefined) =>
      nextRetryDelayMs({ attempt: 1, statusCode, retryAfterMs }, noJitter);
    expect(delay(429, 120 * SECOND)).toBe(120 * SECOND);
    expect(delay(503, 0)).toBe(RETRY_AFTER_MIN_MS);
    expect(delay(503, 99 * HOUR)).toBe(RETRY_AFTER_MAX_MS);
    expect(RETRY_AFTER_MIN_MS).toBe(5 * SECOND);
    expect(RETRY_AFTER_MAX_MS).toBe(10 * HOUR);
    // It is the least wait: a shorter one than the schedule's keeps the schedule (C02).
    const later = (retryAfterMs: number) =>
      nextRetryDelayMs({ attempt: 3, statusCode: 429, retryAfterMs }, noJitter);
    expect(later(7 * SECOND)).toBe(30 * 60 * SECOND);
    expect(later(3 * HOUR)).toBe(3 * HOUR);
    // Other statuses keep the schedule; so does a 503 without the header.
    expect(delay(500, 120 * SECOND)).toBe(5 * SECOND);
    expect(delay(503, undefined)).toBe(5 * SECOND);
  });

  it('still gives up after the last attempt when Retry-After is present', () => {
    expect(
      nextRetryDelayMs({ attempt: MAX_ATTEMPTS, statusCode: 503, retryAfterMs: 10 }, noJitter),
    ).toBeUndefined();
  });

  it('parses Retry-After seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-15T12:00:00.000Z');
    expect(parseRetryAfter('120', now)).toBe(120 * SECOND);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 15 Jan 2026 12:01:00 GMT', now)).toBe(MINUTE);
    expect(parseRetryAfter('Thu, 15 Jan 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
