import { parseConfig } from '../platform/config.js';
import type { Services } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { createLogger } from '../platform/logger.js';
import { createServices } from '../platform/services.js';
import { firstWorkspaceId } from '../workspaces/store.js';
import { UsageError } from './usage-error.js';

/** Opens the server's storage for one command; logs go to stderr, so stdout is the output. */
export async function withServices(fn: (services: Services) => Promise<void>): Promise<void> {
  const config = parseConfig();
  const services = await createServices(config, {
    log: createLogger(config.logLevel, process.stderr),
  });
  try {
    await fn(services);
  } finally {
    await services.db.close();
    await services.rateLimits.close();
  }
}

/** `--workspace ID`, or the first workspace when none is given. */
export async function workspaceFor(services: Services, given: string | undefined): Promise<string> {
  const workspaceId = given ?? (await firstWorkspaceId(services.db.kysely));
  if (!workspaceId) {
    throw new UsageError('no workspace yet: run `showtrust serve` once first, or pass --workspace');
  }
  const exists = await services.db.kysely
    .selectFrom('workspaces')
    .select('id')
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  if (!exists) throw new UsageError(`no workspace with id ${workspaceId}`);
  return workspaceId;
}

/** A 4xx from a service is the caller's to fix: shown as a usage error, exit code 2. */
export async function asUsage<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AppError && error.status < 500) throw new UsageError(error.message);
    throw error;
  }
}
