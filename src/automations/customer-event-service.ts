import type { Services } from '../platform/context.js';
import { newId } from '../platform/ids.js';
import { upsertContactRow } from './contact-store.js';
import type { CreateCustomerEventInput, CustomerEvent } from './customer-event-schema.js';
import {
  findCustomerEventRow,
  insertCustomerEventOnce,
  toCustomerEvent,
  type CustomerEventRow,
} from './customer-event-store.js';
import { enqueueRuleRun } from './rule-engine.js';

/**
 * Stores a customer event and its contact, and queues the rule run, in one transaction:
 * when the caller gets its 2xx the event is on disk and will be acted on. The caller's id
 * makes it idempotent: a repeat, even one racing the first, finds the stored event and
 * queues nothing.
 */
export async function recordCustomerEvent(
  services: Services,
  workspaceId: string,
  input: CreateCustomerEventInput,
): Promise<{ event: CustomerEvent; created: boolean }> {
  const stored = await services.transaction(async (trx) => {
    const existing = await findCustomerEventRow(trx, workspaceId, 'external_id', input.id);
    if (existing) return { row: existing, created: false };

    const nowMs = services.clock.nowMs();
    const { row: contact } = await upsertContactRow(trx, workspaceId, input.contact, nowMs);
    const row: CustomerEventRow = {
      id: newId('customerEvent', nowMs),
      workspace_id: workspaceId,
      external_id: input.id,
      type: input.type,
      occurred_at: new Date(input.occurred_at).toISOString(),
      contact_id: contact.id,
      properties: JSON.stringify(input.properties ?? {}),
      received_at: new Date(nowMs).toISOString(),
    };
    if (!(await insertCustomerEventOnce(trx, row))) {
      const winner = await findCustomerEventRow(trx, workspaceId, 'external_id', input.id);
      return { row: winner!, created: false };
    }
    await enqueueRuleRun(trx, services.clock, {
      workspaceId,
      subject: 'customer_event',
      id: row.id,
    });
    return { row, created: true };
  });
  return { event: toCustomerEvent(stored.row), created: stored.created };
}
