import type { Transaction } from 'kysely';
import type { Database } from './db/schema.js';
import { newId } from './ids.js';
import type { Clock } from './time.js';

export interface OutboxEvent {
  id: string;
  workspace_id: string;
  type: string;
  data: Record<string, unknown>;
  created_at: string;
}

/**
 * Runs inside the transaction of the change that caused the event: whatever it writes
 * (delivery rows, jobs) commits with the change or not at all. It must only write rows
 * and enqueue jobs; anything slow or external happens later, in a job.
 */
export type EventSubscriber = (trx: Transaction<Database>, event: OutboxEvent) => Promise<void>;

/**
 * The transactional outbox. A change records its event in its own transaction, and
 * every subscriber (webhook fan-out, later rules and live updates) turns it into durable
 * jobs in that same transaction. Nothing is held only in memory, and there is no second
 * hop: the commit that accepts the change already holds every job it causes.
 */
export class Outbox {
  private readonly subscribers: EventSubscriber[] = [];

  constructor(private readonly clock: Clock) {}

  subscribe(subscriber: EventSubscriber): void {
    this.subscribers.push(subscriber);
  }

  async record(
    trx: Transaction<Database>,
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
    await trx
      .insertInto('events')
      .values({ ...event, data: JSON.stringify(data) })
      .execute();
    for (const subscriber of this.subscribers) await subscriber(trx, event);
    return event;
  }
}
