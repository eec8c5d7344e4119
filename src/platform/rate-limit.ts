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

/** Counts requests per key and says whether one more is within the limit. */
export interface RateLimiter {
  /** Counts one request for key and says whether it is within the limit. */
  consume(key: string): Promise<RateLimitDecision>;
}

/** A named budget: `limit` requests per key in each window of `windowMs`. */
export interface RateLimitPolicy {
  /** Short name, sent in the RateLimit headers and used in counter keys. */
  name: string;
  limit: number;
  windowMs: number;
}

export interface WindowCount {
  /** Hits in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends. */
  msLeft: number;
}

/**
 * Where the counters live: this process's memory, or Redis so that several servers share
 * one budget. A window opens at a key's first hit and lasts `windowMs`.
 */
export interface RateLimitStore {
  /** Counts one hit on key, atomically, and reports the window it fell in. */
  hit(key: string, windowMs: number): Promise<WindowCount>;
  /**
   * hit() for a store that counts in this process and can answer at once: the HTTP hook
   * then spends no promise on a request (the widget feed's hot path). Shared stores leave
   * it out.
   */
  hitNow?(key: string, windowMs: number): WindowCount;
  close(): Promise<void>;
}

interface Window {
  count: number;
  resetAtMs: number;
}

/**
 * Fixed windows held in this process only: with several servers each counts on its own,
 * so set REDIS_URL there. Bounded: past `maxKeys` the oldest windows are forgotten.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly clock: Clock;
  private readonly maxKeys: number;
  // A key is re-inserted when its window opens, so with one window length insertion order
  // is expiry order and the sweep can stop at the first live entry.
  private readonly windows = new Map<string, Window>();

  constructor(options: { clock?: Clock; maxKeys?: number } = {}) {
    this.clock = options.clock ?? systemClock;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    return this.hitNow(key, windowMs);
  }

  hitNow(key: string, windowMs: number): WindowCount {
    const nowMs = this.clock.nowMs();
    this.forgetExpired(nowMs);

    let window = this.windows.get(key);
    if (!window || window.resetAtMs <= nowMs) {
      this.windows.delete(key);
      window = { count: 0, resetAtMs: nowMs + windowMs };
      this.windows.set(key, window);
      this.forgetOverflow();
    }
    window.count += 1;
    return { count: window.count, msLeft: window.resetAtMs - nowMs };
  }

  async close(): Promise<void> {
    this.windows.clear();
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

function checkPolicy(policy: Pick<RateLimitPolicy, 'limit' | 'windowMs'>): void {
  if (!Number.isInteger(policy.limit) || policy.limit < 1) {
    throw new RangeError('rate limit must be a whole number of at least 1');
  }
  if (!(policy.windowMs > 0)) throw new RangeError('rate limit window must be positive');
}

/** One policy over a store: the store counts, the policy decides. */
export class PolicyRateLimiter implements RateLimiter {
  constructor(
    private readonly store: RateLimitStore,
    readonly policy: RateLimitPolicy,
    private readonly clock: Clock = systemClock,
  ) {
    checkPolicy(policy);
  }

  async consume(key: string): Promise<RateLimitDecision> {
    const { windowMs, name } = this.policy;
    return this.decide(await this.store.hit(`${name}:${key}`, windowMs));
  }

  /** consume() without a promise, when the store counts in this process; else undefined. */
  consumeNow(key: string): RateLimitDecision | undefined {
    const { windowMs, name } = this.policy;
    return this.store.hitNow
      ? this.decide(this.store.hitNow(`${name}:${key}`, windowMs))
      : undefined;
  }

  private decide({ count, msLeft }: WindowCount): RateLimitDecision {
    const { limit, windowMs } = this.policy;
    const left = Math.max(0, Math.min(msLeft, windowMs));
    return {
      allowed: count <= limit,
      limit,
      remaining: Math.max(0, limit - count),
      resetAtMs: this.clock.nowMs() + left,
      retryAfterSeconds: Math.max(1, Math.ceil(left / 1000)),
    };
  }
}

export interface MemoryRateLimiterOptions {
  limit: number;
  windowMs: number;
  clock?: Clock;
  /** Most keys held at once; past it the oldest window is forgotten. */
  maxKeys?: number;
}

/** A stand-alone limiter with its own memory store, for one budget in one process. */
export class MemoryRateLimiter extends PolicyRateLimiter {
  private readonly memory: MemoryRateLimitStore;

  constructor(options: MemoryRateLimiterOptions) {
    checkPolicy(options);
    const memory = new MemoryRateLimitStore(options);
    super(
      memory,
      { name: 'memory', limit: options.limit, windowMs: options.windowMs },
      options.clock,
    );
    this.memory = memory;
  }

  get limit(): number {
    return this.policy.limit;
  }

  get windowMs(): number {
    return this.policy.windowMs;
  }

  /** How many keys are held now (for tests of the memory bound). */
  get size(): number {
    return this.memory.size;
  }
}
