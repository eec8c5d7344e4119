import { createHash } from 'node:crypto';
import type { Services } from '../platform/context.js';
import { PolicyRateLimiter, type RateLimiter } from '../platform/rate-limit.js';

export const LOGIN_WINDOW_MS = 15 * 60_000;

export interface ThrottleDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

/**
 * Counts sign-in (and reset-request) attempts per account and per IP address before any
 * password is hashed: the account budget stops slow guessing at one account from many
 * addresses, the IP budget stops one address trying many accounts. Both count every
 * attempt, so any RateLimiter will do.
 */
export class LoginThrottle {
  constructor(
    private readonly perAccount: RateLimiter,
    private readonly perIp: RateLimiter,
  ) {}

  /**
   * Two budgets over the server's rate-limit counters (memory, or Redis with REDIS_URL, so
   * every process counts against the same ones), named `name-account` and `name-ip`.
   */
  static shared(
    services: Pick<Services, 'rateLimits' | 'clock'>,
    name: string,
    limits: { perAccount: number; perIp: number },
  ): LoginThrottle {
    const budget = (suffix: string, limit: number) =>
      new PolicyRateLimiter(
        services.rateLimits,
        { name: `${name}-${suffix}`, limit, windowMs: LOGIN_WINDOW_MS },
        services.clock,
      );
    return new LoginThrottle(budget('account', limits.perAccount), budget('ip', limits.perIp));
  }

  async attempt(accountKey: string, ip: string): Promise<ThrottleDecision> {
    // Counter keys may sit in Redis: they name the account by a hash, not its email.
    const accountHash = createHash('sha256').update(accountKey).digest('base64url').slice(0, 22);
    const [account, address] = await Promise.all([
      this.perAccount.consume(accountHash),
      this.perIp.consume(ip),
    ]);
    const refused = [account, address].filter((d) => !d.allowed);
    return {
      allowed: refused.length === 0,
      retryAfterSeconds: Math.max(0, ...refused.map((d) => d.retryAfterSeconds)),
    };
  }
}
