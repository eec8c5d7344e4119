import { Writable } from 'node:stream';
import { buildApp } from '../../src/app.js';
import { createApiKey } from '../../src/auth/api-keys.js';
import { parseConfig } from '../../src/platform/config.js';
import type { Services } from '../../src/platform/context.js';
import type { App } from '../../src/platform/http/types.js';
import { createLogger } from '../../src/platform/logger.js';
import { createServices } from '../../src/platform/services.js';
import type { Clock } from '../../src/platform/time.js';
import { bootstrapWorkspace } from '../../src/workspaces/bootstrap.js';
import { insertWorkspace } from '../../src/workspaces/store.js';
import { createTestDatabase, type TestDatabase, type TestDialect } from './databases.js';

export { testDialects, type TestDialect } from './databases.js';

/** A settable clock for time-based rules: tests move it instead of sleeping. */
export class ManualClock implements Clock {
  constructor(private ms: number = Date.parse('2026-01-15T12:00:00.000Z')) {}
  nowMs(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  set(iso: string): void {
    this.ms = Date.parse(iso);
  }
}

export interface TestContext {
  app: App;
  services: Services;
  database: TestDatabase;
  workspaceId: string;
  /** An all-scopes key of the bootstrapped workspace. */
  apiKey: string;
  formSlug: string;
  widgetId: string;
  /** Every log line written, parsed: for tests that check what is (not) logged. */
  logs: string[];
  auth(key?: string): { authorization: string };
  /** Creates another workspace with its own all-scopes key (for tenant-isolation tests). */
  createWorkspace(name?: string): Promise<{ workspaceId: string; apiKey: string }>;
  close(): Promise<void>;
}

export interface TestContextOptions {
  env?: Record<string, string>;
  clock?: Clock;
  /** Start the background job worker (off by default: tests step it with services.jobs.runDue()). */
  startWorker?: boolean;
}

/**
 * A whole server in-process on a fresh database, driven through app.inject(). The job
 * worker does not run by itself unless asked, so tests decide when jobs happen.
 */
export async function createTestContext(
  dialect: TestDialect,
  options: TestContextOptions = {},
): Promise<TestContext> {
  const database = await createTestDatabase(dialect);
  const config = parseConfig({
    SHOWTRUST_DATA_DIR: database.dataDir,
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    PUBLIC_URL: 'http://127.0.0.1:3000',
    LOG_LEVEL: 'debug',
    WEBHOOKS_ALLOW_HTTP: 'true',
    WEBHOOKS_ALLOW_PRIVATE: 'true',
    ...options.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const services = await createServices(config, {
    clock: options.clock,
    log: createLogger('debug', sink),
  });
  const boot = await bootstrapWorkspace(services);
  const app = await buildApp(services);
  await app.ready();
  if (options.startWorker) services.jobs.start();

  return {
    app,
    services,
    database,
    workspaceId: boot.workspaceId,
    apiKey: boot.apiKey!,
    formSlug: boot.formSlug,
    widgetId: boot.widgetId,
    logs,
    auth: (key = boot.apiKey!) => ({ authorization: `Bearer ${key}` }),
    async createWorkspace(name = 'Other workspace') {
      const now = new Date(services.clock.nowMs()).toISOString();
      const workspaceId = await insertWorkspace(services.db.kysely, name, now);
      const key = await createApiKey(services.db.kysely, services, workspaceId, 'test', ['*']);
      return { workspaceId, apiKey: key.secret };
    },
    async close() {
      await app.close();
      await services.jobs.stop();
      await services.runCloseHooks();
      await services.db.close();
      await services.rateLimits.close();
      await database.drop();
    },
  };
}
