import type { Config } from './config.js';
import type { Transaction } from 'kysely';
import type { CommitListener, Services } from './context.js';
import { migrateToLatest, openDatabase } from './db/database.js';
import type { Database } from './db/schema.js';
import { JobQueue } from './jobs.js';
import { createLogger, type Logger } from './logger.js';
import { MetricsRegistry } from './metrics.js';
import { createMailer } from './mail/create-mailer.js';
import { Outbox } from './outbox.js';
import { openPubSub } from './pubsub.js';
import { MemoryRateLimitStore, type RateLimitStore } from './rate-limit.js';
import { RedisRateLimitStore } from './rate-limit-redis.js';
import { RedisConnection } from './redis.js';
import { loadSecretBox } from './secret-box.js';
import { systemClock, type Clock } from './time.js';

export interface CreateServicesOptions {
  clock?: Clock;
  log?: Logger;
}

/** Redis when configured (it connects on first use), else this process's memory. */
function openRateLimitStore(config: Config, clock: Clock, log: Logger): RateLimitStore {
  const memory = new MemoryRateLimitStore({ clock });
  if (!config.redisUrl) return memory;
  return new RedisRateLimitStore(
    new RedisConnection(config.redisUrl, log),
    config.redisKeyPrefix,
    memory,
  );
}

/** The change is committed whatever a listener does: a failing one is logged, not thrown. */
function notifyCommitted(listeners: Set<CommitListener>, trx: Transaction<Database>, log: Logger) {
  for (const listener of listeners) {
    try {
      listener(trx);
    } catch (error) {
      log.error({ err: error }, 'commit listener failed');
    }
  }
}

/** Opens the database, runs migrations and wires the platform parts together. */
export async function createServices(
  config: Config,
  options: CreateServicesOptions = {},
): Promise<Services> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? createLogger(config.logLevel);
  const db = openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onConnectionError: (error) => log.warn({ err: error }, 'database connection lost'),
  });
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.close();
    throw error;
  }

  const jobs = new JobQueue(db, clock, log, config.jobs);
  const outbox = new Outbox(clock);
  const closeHooks: (() => Promise<void> | void)[] = [];
  const commitListeners = new Set<CommitListener>();
  const services: Services = {
    config,
    db,
    clock,
    log,
    jobs,
    outbox,
    secrets: loadSecretBox(config.secretKey, config.dataDir),
    rateLimits: openRateLimitStore(config, clock, log),
    pubsub: openPubSub(config, log),
    mailer: createMailer({ config, db, clock, log, jobs }),
    async transaction(fn) {
      let committed: Transaction<Database> | undefined;
      const result = await db.kysely.transaction().execute((trx) => {
        committed = trx;
        return fn(trx);
      });
      jobs.wake();
      notifyCommitted(commitListeners, committed!, log);
      return result;
    },
    onCommit(listener) {
      commitListeners.add(listener);
      return () => commitListeners.delete(listener);
    },
    metrics: new MetricsRegistry(),
    onClose(hook) {
      closeHooks.push(hook);
    },
    async runCloseHooks() {
      for (const hook of closeHooks.splice(0).reverse()) await hook();
    },
  };
  services.onClose(() => services.pubsub.close());
  return services;
}
