/** A clock that tests can replace; everything time-based reads it instead of Date.now(). */
export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** Timestamps are stored and returned as ISO 8601 UTC with milliseconds: they sort as text. */
export function isoNow(clock: Clock = systemClock): string {
  return new Date(clock.nowMs()).toISOString();
}
