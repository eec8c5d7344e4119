import type { Services } from '../platform/context.js';
import { notFound } from '../platform/errors.js';
import { unlinkContact } from '../testimonials/store.js';
import type { Contact, ContactInput, UpdateContactInput } from './contact-schema.js';
import { findContactRow, toContact, updateContactRow, upsertContactRow } from './contact-store.js';

export async function upsertContact(
  services: Services,
  workspaceId: string,
  input: ContactInput,
): Promise<{ contact: Contact; created: boolean }> {
  return services.transaction(async (trx) => {
    const { row, created } = await upsertContactRow(
      trx,
      workspaceId,
      input,
      services.clock.nowMs(),
    );
    return { contact: toContact(row), created };
  });
}

export async function updateContact(
  services: Services,
  workspaceId: string,
  id: string,
  input: UpdateContactInput,
): Promise<Contact> {
  return services.transaction(async (trx) => {
    const row = await findContactRow(trx, workspaceId, id);
    if (!row) throw notFound('contact');
    const nowIso = new Date(services.clock.nowMs()).toISOString();
    return toContact(await updateContactRow(trx, row, input, nowIso));
  });
}

/**
 * Erases a contact: its events, review requests and rule-run links go; its testimonials
 * stay, no longer linked or verified.
 */
export async function deleteContact(
  services: Services,
  workspaceId: string,
  id: string,
): Promise<Contact> {
  return services.transaction(async (trx) => {
    const row = await findContactRow(trx, workspaceId, id);
    if (!row) throw notFound('contact');
    await trx.deleteFrom('review_requests').where('contact_id', '=', id).execute();
    await trx.deleteFrom('customer_events').where('contact_id', '=', id).execute();
    await trx
      .updateTable('rule_runs')
      .set({ contact_id: null })
      .where('contact_id', '=', id)
      .execute();
    await unlinkContact(trx, workspaceId, id);
    await trx.deleteFrom('contacts').where('id', '=', id).execute();
    return toContact(row);
  });
}
