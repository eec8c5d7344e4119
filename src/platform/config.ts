import path from 'node:path';

/**
 * Every setting the server reads, parsed once at start-up. A bad value throws a
 * ConfigError naming the variable, so `showtrust serve` stops with a clear message.
 */
export interface Config {
  host: string;
  port: number;
  /** Base of every link we build. Defaults to http://HOST:PORT (the bound port, if PORT=0). */
  publicUrl: string;
  publicUrlIsDefault: boolean;
  dataDir: string;
  /** `postgres://…` switches storage to PostgreSQL; unset means SQLite in `dataDir`. */
  databaseUrl: string | undefined;
  logLevel: string;
  /** 32-byte key for secrets that must be readable again (webhook signing secrets). */
  secretKey: string | undefined;
  bodyLimitBytes: number;
  webhooks: {
    allowHttp: boolean;
    allowPrivate: boolean;
    timeoutMs: number;
    /** Attempts in flight per endpoint, across every process. */
    endpointConcurrency: number;
    /** Pending deliveries an endpoint may have; events beyond it are recorded as failed. */
    maxPendingPerEndpoint: number;
  };
  metrics: {
    /** Bearer token /metrics demands; unset (and not public) means /metrics is off. */
    token: string | undefined;
    /** Serve /metrics without a token (METRICS_PUBLIC=true), for a private network. */
    public: boolean;
  };
  jobs: {
    pollIntervalMs: number;
    leaseMs: number;
    concurrency: number;
  };
  formRateLimitPerMinute: number;
  /** Behind a reverse proxy: client addresses come from X-Forwarded-For. */
  trustProxy: boolean;
  /** `redis://…` shares rate-limit counters between processes; unset keeps them in memory. */
  redisUrl: string | undefined;
  /** Starts every Redis key we write, so deployments (or test runs) can share one Redis. */
  redisKeyPrefix: string;
  rateLimits: {
    /** Requests one credential may make on `/v1` per window. */
    apiLimit: number;
    /** Requests one IP (IPv6: one /64) may make to the public widget feed per window. */
    publicLimit: number;
    /** Length of every rate-limit window; a minute unless changed (tests shorten it). */
    windowMs: number;
  };
  mail: {
    /** `smtp://` or `smtps://`; unset means messages are only kept in the database. */
    smtpUrl: string | undefined;
    /** The From header of every message. */
    from: string;
    /** Connection, greeting and socket timeout of one SMTP attempt. */
    timeoutMs: number;
  };
  accounts: {
    /** A session ends this long after sign-in, however active. */
    sessionMaxAgeMs: number;
    /** A session ends after this long without a request. */
    sessionIdleMs: number;
    /** Sign-in attempts per account, and per IP address, in each 15-minute window. */
    loginAttemptsPerAccount: number;
    loginAttemptsPerIp: number;
  };
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number (got "${raw}")`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max} (got ${value})`);
  }
  return value;
}

function readBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

function readUrl(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL (got "${raw}")`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

function readMailFrom(env: Env): string {
  const from = env.MAIL_FROM || 'ShowTrust <no-reply@showtrust.invalid>';
  if (!/^[^\r\n]*<?[^\s@<>]+@[^\s@<>]+>?$/.test(from)) {
    throw new ConfigError('MAIL_FROM', `must be an address like "Name <user@example.com>"`);
  }
  return from;
}

function readMetrics(env: Env): Config['metrics'] {
  const token = env.METRICS_TOKEN || undefined;
  if (token !== undefined && !/^[\x21-\x7e]{16,256}$/.test(token)) {
    throw new ConfigError('METRICS_TOKEN', 'must be 16 to 256 visible ASCII characters');
  }
  return { token, public: readBool(env, 'METRICS_PUBLIC', false) };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function parseConfig(env: Env = process.env): Config {
  const host = env.HOST || '127.0.0.1';
  const port = readInt(env, 'PORT', 3000, 0, 65535);
  const explicitUrl = readUrl(env, 'PUBLIC_URL', ['http:', 'https:']);
  const publicUrl = (explicitUrl ?? `http://${host}:${port}`).replace(/\/+$/, '');
  const databaseUrl = readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);

  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }

  const secretKey = env.SHOWTRUST_SECRET_KEY || undefined;
  if (secretKey !== undefined && !/^[0-9a-f]{64}$/i.test(secretKey)) {
    throw new ConfigError('SHOWTRUST_SECRET_KEY', 'must be 64 hexadecimal characters (32 bytes)');
  }

  const timeoutMs = readInt(env, 'WEBHOOK_TIMEOUT_MS', 15_000, 100, 60_000);
  const leaseMs = readInt(env, 'JOB_LEASE_MS', 60_000, 1_000, 3_600_000);
  if (leaseMs <= timeoutMs) {
    throw new ConfigError('JOB_LEASE_MS', `must be longer than WEBHOOK_TIMEOUT_MS (${timeoutMs})`);
  }

  return {
    host,
    port,
    publicUrl,
    publicUrlIsDefault: explicitUrl === undefined,
    dataDir: path.resolve(env.SHOWTRUST_DATA_DIR || './data'),
    databaseUrl,
    logLevel,
    secretKey,
    bodyLimitBytes: readInt(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 100 * 1_048_576),
    webhooks: {
      allowHttp: readBool(env, 'WEBHOOKS_ALLOW_HTTP', false),
      allowPrivate: readBool(env, 'WEBHOOKS_ALLOW_PRIVATE', false),
      timeoutMs,
      endpointConcurrency: readInt(env, 'WEBHOOK_ENDPOINT_CONCURRENCY', 4, 1, 64),
      maxPendingPerEndpoint: readInt(
        env,
        'WEBHOOK_MAX_PENDING_PER_ENDPOINT',
        10_000,
        1,
        10_000_000,
      ),
    },
    metrics: readMetrics(env),
    jobs: {
      pollIntervalMs: readInt(env, 'JOB_POLL_INTERVAL_MS', 500, 10, 60_000),
      leaseMs,
      concurrency: readInt(env, 'JOB_CONCURRENCY', 16, 1, 256),
    },
    formRateLimitPerMinute: readInt(env, 'FORM_RATE_LIMIT_PER_MINUTE', 10, 1, 100_000),
    trustProxy: readBool(env, 'TRUST_PROXY', false),
    redisUrl: readUrl(env, 'REDIS_URL', ['redis:', 'rediss:']),
    redisKeyPrefix: env.REDIS_KEY_PREFIX || 'showtrust:',
    rateLimits: {
      apiLimit: readInt(env, 'RATE_LIMIT_API_PER_MINUTE', 600, 1, 100_000_000),
      publicLimit: readInt(env, 'RATE_LIMIT_PUBLIC_PER_MINUTE', 600, 1, 100_000_000),
      windowMs: readInt(env, 'RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400) * 1000,
    },
    mail: {
      smtpUrl: readUrl(env, 'SMTP_URL', ['smtp:', 'smtps:']),
      from: readMailFrom(env),
      timeoutMs: readInt(env, 'SMTP_TIMEOUT_MS', 15_000, 100, 120_000),
    },
    accounts: {
      sessionMaxAgeMs: readInt(env, 'SESSION_MAX_AGE_HOURS', 168, 1, 8760) * 3_600_000,
      sessionIdleMs: readInt(env, 'SESSION_IDLE_MINUTES', 720, 5, 525_600) * 60_000,
      loginAttemptsPerAccount: readInt(env, 'LOGIN_ATTEMPTS_PER_ACCOUNT', 10, 1, 10_000),
      loginAttemptsPerIp: readInt(env, 'LOGIN_ATTEMPTS_PER_IP', 100, 1, 1_000_000),
    },
  };
}
