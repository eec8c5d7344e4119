import type { Transaction } from 'kysely';
import type { Services } from '../platform/context.js';
import type { Database } from '../platform/db/schema.js';
import type { Executor } from '../platform/db/database.js';
import { notFound, validationError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { storePhoto, type CheckedPhoto } from '../media/photo.js';
import { retireMediaOf } from '../media/store.js';
import { bumpContentVersion } from '../workspaces/store.js';
import type { CreateTestimonialInput, Testimonial, UpdateTestimonialInput } from './schema.js';
import {
  findTestimonial,
  findTestimonialForUpdate,
  insertTestimonials,
  replaceTags,
  toTestimonial,
  type TestimonialRow,
} from './store.js';

export type TestimonialSource = Testimonial['source'];

const STATUS_EVENTS: Record<string, string> = {
  approved: 'testimonial.approved',
  rejected: 'testimonial.rejected',
};

function nullable(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

async function assertFormInWorkspace(executor: Executor, workspaceId: string, formId: string) {
  const form = await executor
    .selectFrom('forms')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', formId)
    .executeTakeFirst();
  if (!form) throw validationError('/form_id', 'is not a form of this workspace');
}

/** Builds the stored row for a new testimonial; the caller decides the transaction. */
export function buildTestimonialRow(
  workspaceId: string,
  input: CreateTestimonialInput,
  source: TestimonialSource,
  nowIso: string,
): TestimonialRow {
  const createdAt = input.created_at ? new Date(input.created_at).toISOString() : nowIso;
  // The API and imports vouch for consent unless told otherwise; the form always says.
  const consent = input.consent_given ?? true;
  return {
    id: newId('testimonial', Date.parse(createdAt)),
    workspace_id: workspaceId,
    form_id: input.form_id ?? null,
    status: input.status ?? 'pending',
    source,
    rating: input.rating ?? null,
    title: nullable(input.title),
    text: input.text.trim(),
    author_name: input.author_name.trim(),
    author_email: nullable(input.author_email),
    author_title: nullable(input.author_title),
    author_company: nullable(input.author_company),
    featured: input.featured ? 1 : 0,
    consent_given: consent ? 1 : 0,
    consent_text: consent ? nullable(input.consent_text) : null,
    created_at: createdAt,
    updated_at: nowIso,
    verified: 0,
    contact_id: null,
    author_avatar_url: input.author_avatar_url ?? null,
    consent_revoked_at: null,
  };
}

/** Where a testimonial came from when a review request link brought it (automations). */
export interface TestimonialOrigin {
  contactId: string;
  verified: boolean;
  /** Runs in the creating transaction before its events; throwing undoes the testimonial. */
  onStored?: (trx: Transaction<Database>, testimonial: Testimonial) => Promise<void>;
}

export interface CreateOptions {
  origin?: TestimonialOrigin;
  /** An author photo sent with a form submission, stored in the same transaction. */
  photo?: CheckedPhoto;
}

/** Stores one testimonial and its `testimonial.created` event in one transaction. */
export async function createTestimonial(
  services: Services,
  workspaceId: string,
  input: CreateTestimonialInput,
  source: TestimonialSource,
  { origin, photo }: CreateOptions = {},
): Promise<Testimonial> {
  const row = buildTestimonialRow(
    workspaceId,
    input,
    source,
    new Date(services.clock.nowMs()).toISOString(),
  );
  if (origin) {
    row.contact_id = origin.contactId;
    row.verified = origin.verified ? 1 : 0;
  }
  const tags = input.tags ?? [];

  return services.transaction(async (trx) => {
    if (row.form_id) await assertFormInWorkspace(trx, workspaceId, row.form_id);
    if (photo) {
      const owner = { workspaceId, testimonialId: row.id };
      row.author_avatar_url = await storePhoto(trx, owner, photo, row.updated_at);
    }
    await insertTestimonials(trx, [row], new Map([[row.id, tags]]));
    await bumpContentVersion(trx, workspaceId);
    const testimonial = toTestimonial(row, [...tags].sort());
    await origin?.onStored?.(trx, testimonial);
    await services.outbox.record(trx, workspaceId, 'testimonial.created', testimonial);
    if (STATUS_EVENTS[row.status]) {
      await services.outbox.record(trx, workspaceId, STATUS_EVENTS[row.status]!, testimonial);
    }
    return testimonial;
  });
}

export async function updateTestimonial(
  services: Services,
  workspaceId: string,
  id: string,
  input: UpdateTestimonialInput,
): Promise<Testimonial> {
  return services.transaction(async (trx) => {
    const nowIso = new Date(services.clock.nowMs()).toISOString();
    const before = await findTestimonialForUpdate(trx, workspaceId, id, nowIso);
    if (!before) throw notFound('testimonial');

    if (input.consent_given === true && !before.consent_given) {
      throw validationError(
        '/consent_given',
        'cannot be given back: it comes only with a submission',
      );
    }
    const changes = rowChanges(input, nowIso);
    const revoking = input.consent_given === false && before.consent_given;
    if (revoking) Object.assign(changes, { consent_given: 0, consent_revoked_at: nowIso });
    // A revoked consent takes the photo with it; a new URL replaces a hosted photo.
    if (revoking || input.author_avatar_url !== undefined) {
      await retireMediaOf(trx, id, nowIso);
      if (revoking) changes.author_avatar_url = null;
    }

    await trx.updateTable('testimonials').set(changes).where('id', '=', id).execute();
    if (input.tags) await replaceTags(trx, workspaceId, id, input.tags);
    await bumpContentVersion(trx, workspaceId);

    const after = (await findTestimonial(trx, workspaceId, id))!;
    await services.outbox.record(trx, workspaceId, 'testimonial.updated', after);
    if (revoking) {
      await services.outbox.record(trx, workspaceId, 'testimonial.consent_revoked', after);
    }
    const statusEvent = STATUS_EVENTS[after.status];
    if (after.status !== before.status && statusEvent) {
      await services.outbox.record(trx, workspaceId, statusEvent, after);
    }
    return after;
  });
}

/** The columns a PATCH sets: text trimmed (empty means null), flags as integers. */
function rowChanges(input: UpdateTestimonialInput, nowIso: string): Partial<TestimonialRow> {
  const { featured, ...fields } = input;
  const changes: Partial<TestimonialRow> = { updated_at: nowIso };
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'tags' || key === 'consent_given') continue;
    const text = typeof value === 'string' ? value.trim() : value;
    (changes as Record<string, unknown>)[key] = text === '' ? null : text;
  }
  if (featured !== undefined) changes.featured = featured ? 1 : 0;
  return changes;
}

export async function deleteTestimonial(
  services: Services,
  workspaceId: string,
  id: string,
): Promise<Testimonial> {
  return services.transaction(async (trx) => {
    const before = await findTestimonial(trx, workspaceId, id);
    if (!before) throw notFound('testimonial');
    await trx.deleteFrom('testimonials').where('id', '=', id).execute();
    await retireMediaOf(trx, id, new Date(services.clock.nowMs()).toISOString());
    await bumpContentVersion(trx, workspaceId);
    await services.outbox.record(trx, workspaceId, 'testimonial.deleted', before);
    return before;
  });
}
