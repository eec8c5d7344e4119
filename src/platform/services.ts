import type { Config } from './config.js';
import type { Services } from './context.js';
import { migrateToLatest, openDatabase } from './db/database.js';
import { JobQueue } from './jobs.js';
import { createLogger, type Logger } from './logger.js';
import { createMailer } from './mail/create-mailer.js';
import { Outbox } from './outbox.js';
import { loadSecretBox } from './secret-box.js';
import { systemClock, type Clock } from './time.js';

export interface CreateServicesOptions {
  clock?: Clock;
  log?: Logger;
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
  const services: Services = {
    config,
    db,
    clock,
    log,
    jobs,
    outbox,
    secrets: loadSecretBox(config.secretKey, config.dataDir),
    mailer: createMailer({ config, db, clock, log, jobs }),
    async transaction(fn) {
      const result = await db.kysely.transaction().execute(fn);
      jobs.wake();
      return result;
    },
  };
  return services;
}
