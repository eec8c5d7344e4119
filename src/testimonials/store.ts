import { sql, type ExpressionBuilder, type Selectable } from 'kysely';
import { containsText, type Executor } from '../platform/db/database.js';
import type { Database, TestimonialTable } from '../platform/db/schema.js';
import { validationError } from '../platform/errors.js';
import type { ListTestimonialsFilter, Testimonial } from './schema.js';

export type TestimonialRow = Selectable<TestimonialTable>;

export function toTestimonial(row: TestimonialRow, tags: string[]): Testimonial {
  return {
    id: row.id,
    object: 'testimonial',
    status: row.status as Testimonial['status'],
    source: row.source as Testimonial['source'],
    form_id: row.form_id,
    rating: row.rating,
    title: row.title,
    text: row.text,
    author_name: row.author_name,
    author_email: row.author_email,
    author_title: row.author_title,
    author_company: row.author_company,
    tags,
    featured: row.featured === 1,
    author_avatar_url: row.author_avatar_url,
    consent_given: row.consent_given === 1,
    consent_text: row.consent_text,
    consent_revoked_at: row.consent_revoked_at,
    verified: row.verified === 1,
    contact_id: row.contact_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export async function tagsFor(executor: Executor, ids: string[]): Promise<Map<string, string[]>> {
  const byId = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byId;
  const rows = await executor
    .selectFrom('testimonial_tags')
    .select(['testimonial_id', 'tag'])
    .where('testimonial_id', 'in', ids)
    .orderBy('tag')
    .execute();
  for (const row of rows) byId.get(row.testimonial_id)?.push(row.tag);
  return byId;
}

export async function insertTestimonials(
  executor: Executor,
  rows: TestimonialRow[],
  tags: Map<string, string[]>,
): Promise<void> {
  if (rows.length === 0) return;
  await executor.insertInto('testimonials').values(rows).execute();
  const tagRows = rows.flatMap((row) =>
    (tags.get(row.id) ?? []).map((tag) => ({
      testimonial_id: row.id,
      workspace_id: row.workspace_id,
      tag,
    })),
  );
  if (tagRows.length > 0) await executor.insertInto('testimonial_tags').values(tagRows).execute();
}

export async function replaceTags(
  executor: Executor,
  workspaceId: string,
  id: string,
  tags: string[],
): Promise<void> {
  await executor.deleteFrom('testimonial_tags').where('testimonial_id', '=', id).execute();
  if (tags.length === 0) return;
  await executor
    .insertInto('testimonial_tags')
    .values(tags.map((tag) => ({ testimonial_id: id, workspace_id: workspaceId, tag })))
    .execute();
}

/** Forgets a deleted contact on its testimonials; they stay, no longer verified. */
export async function unlinkContact(
  executor: Executor,
  workspaceId: string,
  contactId: string,
): Promise<void> {
  await executor
    .updateTable('testimonials')
    .set({ contact_id: null, verified: 0 })
    .where('workspace_id', '=', workspaceId)
    .where('contact_id', '=', contactId)
    .execute();
}

/**
 * Reads a testimonial for a change, after writing its row so that on PostgreSQL the row
 * lock makes concurrent changes of it (a photo upload, a consent revocation) run one after
 * another, each seeing what the others committed. SQLite has one writer already.
 */
export async function findTestimonialForUpdate(
  executor: Executor,
  workspaceId: string,
  id: string,
  nowIso: string,
): Promise<Testimonial | undefined> {
  await executor
    .updateTable('testimonials')
    .set({ updated_at: nowIso })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
  return findTestimonial(executor, workspaceId, id);
}

export async function findTestimonial(
  executor: Executor,
  workspaceId: string,
  id: string,
): Promise<Testimonial | undefined> {
  const row = await executor
    .selectFrom('testimonials')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const tags = await tagsFor(executor, [id]);
  return toTestimonial(row, tags.get(id) ?? []);
}

const ratingKey = sql<number>`coalesce(rating, 0)`;

/**
 * Keyset pagination: rows are ordered by (sort key, created_at, id), all descending, and
 * the page after `starting_after` begins strictly below that row's key. The id breaks
 * ties, so rows sharing a timestamp are neither skipped nor repeated.
 */
export async function listTestimonials(
  executor: Executor,
  workspaceId: string,
  filter: ListTestimonialsFilter,
): Promise<{ data: Testimonial[]; has_more: boolean }> {
  const limit = filter.limit ?? 20;
  const byRating = filter.sort === '-rating';
  let query = executor
    .selectFrom('testimonials')
    .selectAll()
    .where('workspace_id', '=', workspaceId);

  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.min_rating) query = query.where('rating', '>=', filter.min_rating);
  if (filter.form_id) query = query.where('form_id', '=', filter.form_id);
  if (filter.tag) {
    const tag = filter.tag;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('testimonial_tags')
          .select('tag')
          .whereRef('testimonial_tags.testimonial_id', '=', 'testimonials.id')
          .where('testimonial_tags.tag', '=', tag),
      ),
    );
  }
  if (filter.q) {
    const q = filter.q;
    query = query.where((eb) =>
      eb.or(['text', 'author_name', 'title', 'author_company'].map((c) => containsText(c, q))),
    );
  }

  if (filter.starting_after) {
    const cursor = await executor
      .selectFrom('testimonials')
      .select(['id', 'created_at', 'rating'])
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', filter.starting_after)
      .executeTakeFirst();
    if (!cursor)
      throw validationError('starting_after', 'is not the id of a testimonial in this list');
    const { id, created_at } = cursor;
    const afterTime = (eb: ExpressionBuilder<Database, 'testimonials'>) =>
      eb.or([
        eb('created_at', '<', created_at),
        eb.and([eb('created_at', '=', created_at), eb('id', '<', id)]),
      ]);
    if (byRating) {
      const r = cursor.rating ?? 0;
      query = query.where((eb) =>
        eb.or([eb(ratingKey, '<', r), eb.and([eb(ratingKey, '=', r), afterTime(eb)])]),
      );
    } else {
      query = query.where(afterTime);
    }
  }

  if (byRating) query = query.orderBy(ratingKey, 'desc');
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();

  const page = rows.slice(0, limit);
  const tags = await tagsFor(
    executor,
    page.map((r) => r.id),
  );
  return {
    data: page.map((row) => toTestimonial(row, tags.get(row.id) ?? [])),
    has_more: rows.length > limit,
  };
}
