import { systemClock, type Clock } from './time.js';

/** What a limiter decided about one request. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Requests left in the current window after this one (0 once refused). */
  remaining: number;
  /** When the current window ends, in epoch milliseconds. */
  resetAtMs: number;
  /** Whole seconds until the window ends, at least 1: the value for `Retry-After`. */
  retryAfterSeconds: number;
}

/**
 * Counts requests per key in fixed windows. Async so that a shared implementation
 * (Redis: INCR plus PEXPIRE on the first hit) can stand in for the in-memory one.
 */
export interface RateLimiter {
  /** Counts one request for key and says whether it is within the limit. */
  consume(key: string): Promise<RateLimitDecision>;
}

export interface MemoryRateLimiterOptions {
  limit: number;
  windowMs: number;
  clock?: Clock;
  /** Most keys held at once; past it the oldest window is forgotten. */
  maxKeys?: number;
}

interface Window {
  count: number;
  resetAtMs: number;
}

/**
 * A fixed window per key that opens at the key's first request, held in this process
 * only: with several servers each counts on its own, so use the Redis limiter there.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  private readonly clock: Clock;
  private readonly maxKeys: number;
  // Every window has the same length and a key is re-inserted when its window opens, so
  // insertion order is also expiry order: the oldest entries sit at the front.
  private readonly windows = new Map<string, Window>();

  constructor(options: MemoryRateLimiterOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) {
      throw new RangeError('rate limit must be a whole number of at least 1');
    }
    if (!(options.windowMs > 0)) throw new RangeError('rate limit window must be positive');
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.clock = options.clock ?? systemClock;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  async consume(key: string): Promise<RateLimitDecision> {
    const nowMs = this.clock.nowMs();
    this.forgetExpired(nowMs);

    let window = this.windows.get(key);
    if (!window) {
      window = { count: 0, resetAtMs: nowMs + this.windowMs };
      this.windows.set(key, window);
      this.forgetOverflow();
    }
    window.count += 1;

    const allowed = window.count <= this.limit;
    return {
      allowed,
      limit: this.limit,
      remaining: Math.max(0, this.limit - window.count),
      resetAtMs: window.resetAtMs,
      retryAfterSeconds: Math.max(1, Math.ceil((window.resetAtMs - nowMs) / 1000)),
    };
  }

  /** How many keys are held now (for tests of the memory bound). */
  get size(): number {
    return this.windows.size;
  }

  private forgetExpired(nowMs: number): void {
    for (const [key, window] of this.windows) {
      if (window.resetAtMs > nowMs) return;
      this.windows.delete(key);
    }
  }

  private forgetOverflow(): void {
    while (this.windows.size > this.maxKeys) {
      const oldest = this.windows.keys().next().value;
      if (oldest === undefined) return;
      this.windows.delete(oldest);
    }
  }
}
