import type { Transaction } from 'kysely';
import type { Services } from '../platform/context.js';
import type { Database } from '../platform/db/schema.js';
import { enqueueJob } from '../platform/jobs.js';
import type { OutboxEvent } from '../platform/outbox.js';

/** The pub/sub channel on which a workspace id means "its public content changed". */
export const CONTENT_CHANNEL = 'widgets:content';
export const ANNOUNCE_JOB = 'widgets.announce';

/**
 * Tells every process that a workspace's feeds moved, so open streams look now instead
 * of at their next poll. Best effort: a lost message costs a poll interval, nothing more.
 */
export async function announceContentChange(services: Services, workspaceId: string) {
  try {
    await services.pubsub.publish(CONTENT_CHANNEL, workspaceId);
  } catch (error) {
    services.log.warn({ err: error, workspaceId }, 'widget change announcement failed');
  }
}

/** A pending testimonial's own creation changes no feed; everything else about one may. */
function mayChangeFeeds(event: OutboxEvent): boolean {
  if (!event.type.startsWith('testimonial.')) return false;
  return event.type !== 'testimonial.created' || event.data.status === 'approved';
}

/**
 * Testimonial changes reach live widgets through a job, not from the event subscriber:
 * the subscriber runs inside the change's transaction (no I/O there), and the job runs
 * only once that transaction has committed, so a stream that looks finds the change.
 * One job per transaction and workspace, however many events it records.
 */
export function registerWidgetWorkers(services: Services): void {
  const announced = new WeakMap<Transaction<Database>, Set<string>>();
  services.outbox.subscribe(async (trx, event) => {
    if (!mayChangeFeeds(event)) return;
    let workspaces = announced.get(trx);
    if (!workspaces) announced.set(trx, (workspaces = new Set()));
    if (workspaces.has(event.workspace_id)) return;
    workspaces.add(event.workspace_id);
    await enqueueJob(trx, services.clock, ANNOUNCE_JOB, { workspace_id: event.workspace_id });
  });
  services.jobs.register(ANNOUNCE_JOB, async (payload) => {
    const { workspace_id: workspaceId } = payload as { workspace_id: string };
    await announceContentChange(services, workspaceId);
  });
}
