import type { Config } from '../platform/config.js';
import { MemoryRateLimiter, type RateLimiter } from '../platform/rate-limit.js';
import type { Clock } from '../platform/time.js';

export const LOGIN_WINDOW_MS = 15 * 60_000;

export interface ThrottleDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

/**
 * Counts sign-in (and reset-request) attempts per account and per IP address before any
 * password is hashed: the account budget stops slow guessing at one account from many
 * addresses, the IP budget stops one address trying many accounts. Both count every
 * attempt, so the limiters can be any RateLimiter (a Redis one shares them between
 * processes).
 */
export class LoginThrottle {
  constructor(
    private readonly perAccount: RateLimiter,
    private readonly perIp: RateLimiter,
  ) {}

  static inMemory(config: Config, clock: Clock): LoginThrottle {
    const windowMs = LOGIN_WINDOW_MS;
    return new LoginThrottle(
      new MemoryRateLimiter({ limit: config.accounts.loginAttemptsPerAccount, windowMs, clock }),
      new MemoryRateLimiter({ limit: config.accounts.loginAttemptsPerIp, windowMs, clock }),
    );
  }

  async attempt(accountKey: string, ip: string): Promise<ThrottleDecision> {
    const [account, address] = await Promise.all([
      this.perAccount.consume(accountKey),
      this.perIp.consume(ip),
    ]);
    const refused = [account, address].filter((d) => !d.allowed);
    return {
      allowed: refused.length === 0,
      retryAfterSeconds: Math.max(0, ...refused.map((d) => d.retryAfterSeconds)),
    };
  }
}
