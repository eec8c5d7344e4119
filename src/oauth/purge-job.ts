import type { Services } from '../platform/context.js';
import { enqueueJob } from '../platform/jobs.js';
import { purgeExpiredModels } from './adapter.js';

export const PURGE_JOB = 'oauth.purge';
const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Expired codes, tokens and interactions are removed hourly by one durable job that
 * re-queues itself; every process may start one, the first to find none queued does.
 */
export function registerOAuthWorkers(services: Services): void {
  services.jobs.register(PURGE_JOB, async () => {
    const removed = await purgeExpiredModels(services);
    if (removed > 0) services.log.info({ removed }, 'oauth models purged');
    return { retryAtMs: services.clock.nowMs() + PURGE_INTERVAL_MS };
  });
}

export async function ensurePurgeJob(services: Services): Promise<void> {
  const queued = await services.db.kysely
    .selectFrom('jobs')
    .select('id')
    .where('kind', '=', PURGE_JOB)
    .executeTakeFirst();
  if (!queued) await enqueueJob(services.db.kysely, services.clock, PURGE_JOB, {});
}
