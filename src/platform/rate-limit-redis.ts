import { MemoryRateLimitStore, type RateLimitStore, type WindowCount } from './rate-limit.js';
import type { RedisConnection } from './redis.js';

/**
 * Counts one hit and reads the time left in one step, so processes sharing the key can
 * never both open a window: INCR creates the key at 1, and only then does it get its
 * expiry (PTTL is -1 for a key without one).
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

/**
 * Fixed windows in Redis, shared by every process that uses the same key prefix. While
 * Redis is unreachable each process counts in its own memory instead: the limits still
 * hold per process, and nobody is refused because a counter could not be read.
 */
export class RedisRateLimitStore implements RateLimitStore {
  constructor(
    private readonly connection: RedisConnection,
    private readonly keyPrefix: string,
    private readonly fallback: RateLimitStore = new MemoryRateLimitStore(),
  ) {}

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    try {
      const client = await this.connection.ready();
      const reply = (await client.eval(
        HIT_SCRIPT,
        1,
        `${this.keyPrefix}ratelimit:${key}`,
        windowMs,
      )) as [number, number];
      return { count: Number(reply[0]), msLeft: Number(reply[1]) };
    } catch (error) {
      this.connection.markFailing(error);
      return this.fallback.hit(key, windowMs);
    }
  }

  async close(): Promise<void> {
    await this.connection.close();
    await this.fallback.close();
  }
}
