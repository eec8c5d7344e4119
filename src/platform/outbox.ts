import type { Transaction } from 'kysely';
import type { Executor } from './db/database.js';
import type { Database } from './db/schema.js';
import { newId } from './ids.js';
import type { Services } from './context.js';
import { enqueueJob } from './jobs.js';
import type { Clock } from './time.js';

export const DISPATCH_JOB = 'event.dispatch';

export interface OutboxEvent {
  id: string;
  workspace_id: string;
  type: string;
  data: Record<string, unknown>;
  created_at: string;
}

/** Runs inside the dispatch transaction: whatever it writes commits with the others or not at all. */
export type EventSubscriber = (trx: Transaction<Database>, event: OutboxEvent) => Promise<void>;

/**
 * The transactional outbox. A change records its event in its own transaction; a
 * dispatch job later hands the event to every subscriber (webhooks, and later rules and
 * live updates). Subscribers must be idempotent: a crash mid-dispatch runs them again.
 */
export class Outbox {
  private readonly subscribers: EventSubscriber[] = [];

  constructor(private readonly clock: Clock) {}

  subscribe(subscriber: EventSubscriber): void {
    this.subscribers.push(subscriber);
  }

  async record(
    executor: Executor,
    workspaceId: string,
    type: string,
    data: Record<string, unknown>,
  ): Promise<OutboxEvent> {
    const nowMs = this.clock.nowMs();
    const event: OutboxEvent = {
      id: newId('event', nowMs),
      workspace_id: workspaceId,
      type,
      data,
      created_at: new Date(nowMs).toISOString(),
    };
    await executor
      .insertInto('events')
      .values({ ...event, data: JSON.stringify(data) })
      .execute();
    await enqueueJob(executor, this.clock, DISPATCH_JOB, { event_id: event.id });
    return event;
  }

  registerDispatcher(services: Pick<Services, 'jobs' | 'transaction'>): void {
    services.jobs.register(DISPATCH_JOB, async (payload) => {
      const { event_id } = payload as { event_id: string };
      await services.transaction(async (trx) => {
        const row = await trx
          .selectFrom('events')
          .selectAll()
          .where('id', '=', event_id)
          .executeTakeFirst();
        if (!row) return;
        const event: OutboxEvent = { ...row, data: JSON.parse(row.data) };
        for (const subscriber of this.subscribers) await subscriber(trx, event);
      });
    });
  }
}
