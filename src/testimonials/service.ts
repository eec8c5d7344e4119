import type { Transaction } from 'kysely';
import type { Services } from '../platform/context.js';
import type { Database } from '../platform/db/schema.js';
import type { Executor } from '../platform/db/database.js';
import { notFound, validationError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { bumpContentVersion } from '../workspaces/store.js';
import type { CreateTestimonialInput, Testimonial, UpdateTestimonialInput } from './schema.js';
import {
  findTestimonial,
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
    consent_given: input.consent_given ? 1 : 0,
    consent_text: input.consent_given ? nullable(input.consent_text) : null,
    created_at: createdAt,
    updated_at: nowIso,
    verified: 0,
    contact_id: null,
  };
}

/** Where a testimonial came from when a review request link brought it (automations). */
export interface TestimonialOrigin {
  contactId: string;
  verified: boolean;
  /** Runs in the creating transaction before its events; throwing undoes the testimonial. */
  onStored?: (trx: Transaction<Database>, testimonial: Testimonial) => Promise<void>;
}

/** Stores one testimonial and its `testimonial.created` event in one transaction. */
export async function createTestimonial(
  services: Services,
  workspaceId: string,
  input: CreateTestimonialInput,
  source: TestimonialSource,
  origin?: TestimonialOrigin,
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
    const before = await findTestimonial(trx, workspaceId, id);
    if (!before) throw notFound('testimonial');

    const { tags, featured, ...fields } = input;
    const changes: Partial<TestimonialRow> = {
      updated_at: new Date(services.clock.nowMs()).toISOString(),
    };
    for (const [key, value] of Object.entries(fields)) {
      const text = typeof value === 'string' ? value.trim() : value;
      (changes as Record<string, unknown>)[key] = text === '' ? null : text;
    }
    if (featured !== undefined) changes.featured = featured ? 1 : 0;

    await trx.updateTable('testimonials').set(changes).where('id', '=', id).execute();
    if (tags) await replaceTags(trx, workspaceId, id, tags);
    await bumpContentVersion(trx, workspaceId);

    const after = (await findTestimonial(trx, workspaceId, id))!;
    await services.outbox.record(trx, workspaceId, 'testimonial.updated', after);
    const statusEvent = STATUS_EVENTS[after.status];
    if (after.status !== before.status && statusEvent) {
      await services.outbox.record(trx, workspaceId, statusEvent, after);
    }
    return after;
  });
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
    await bumpContentVersion(trx, workspaceId);
    await services.outbox.record(trx, workspaceId, 'testimonial.deleted', before);
    return before;
  });
}
