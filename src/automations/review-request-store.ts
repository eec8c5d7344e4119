import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Executor } from '../platform/db/database.js';
import type { ReviewRequestTable } from '../platform/db/schema.js';
import { validationError } from '../platform/errors.js';
import type { SecretBox } from '../platform/secret-box.js';
import type {
  ListReviewRequestsFilter,
  ReviewRequest,
  ReviewRequestStatus,
} from './review-request-schema.js';
import { formatLocal } from './zoned-time.js';

export type ReviewRequestRow = Selectable<ReviewRequestTable>;

/** Statuses in which the personal link still works. */
export const OPEN_STATUSES: ReviewRequestStatus[] = ['sent', 'opened'];

/**
 * The personal link's token: an HMAC of the request id under the server key (256 bits,
 * unguessable without the key), so it can be rebuilt for the reminder without being
 * stored. Only its SHA-256 is stored, to find the request from the link.
 */
export function linkToken(secrets: SecretBox, requestId: string): string {
  return secrets.mac('review-link', requestId);
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function toReviewRequest(row: ReviewRequestRow, timeZone: string): ReviewRequest {
  const local = (iso: string | null) => (iso ? formatLocal(Date.parse(iso), timeZone) : null);
  return {
    id: row.id,
    object: 'review_request',
    contact_id: row.contact_id,
    form_id: row.form_id,
    rule_id: row.rule_id,
    status: row.status as ReviewRequestStatus,
    time_zone: timeZone,
    send_at: row.send_at,
    send_at_local: local(row.send_at)!,
    reminder_after_days: row.reminder_after_days,
    reminder_at: row.reminder_at,
    reminder_at_local: local(row.reminder_at),
    expires_at: row.expires_at,
    sent_at: row.sent_at,
    reminded_at: row.reminded_at,
    opened_at: row.opened_at,
    completed_at: row.completed_at,
    canceled_at: row.canceled_at,
    skipped_reason: row.skipped_reason,
    testimonial_id: row.testimonial_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function findReviewRequestRow(
  executor: Executor,
  workspaceId: string,
  id: string,
): Promise<ReviewRequestRow | undefined> {
  return executor
    .selectFrom('review_requests')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function findReviewRequestByToken(
  executor: Executor,
  token: string,
): Promise<ReviewRequestRow | undefined> {
  return executor
    .selectFrom('review_requests')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
}

/** Moves a request on only from the statuses given: the one guard against doing a step twice. */
export async function transition(
  executor: Executor,
  id: string,
  from: ReviewRequestStatus[],
  changes: Partial<ReviewRequestRow>,
): Promise<boolean> {
  const result = await executor
    .updateTable('review_requests')
    .set(changes)
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The newest request to this contact created at or after `sinceIso`, if any. */
export function recentRequestTo(
  executor: Executor,
  contactId: string,
  sinceIso: string,
): Promise<Pick<ReviewRequestRow, 'id' | 'created_at'> | undefined> {
  return executor
    .selectFrom('review_requests')
    .select(['id', 'created_at'])
    .where('contact_id', '=', contactId)
    .where('created_at', '>=', sinceIso)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function listReviewRequestRows(
  executor: Executor,
  workspaceId: string,
  filter: ListReviewRequestsFilter,
): Promise<{ rows: ReviewRequestRow[]; has_more: boolean }> {
  const limit = filter.limit ?? 20;
  let query = executor
    .selectFrom('review_requests')
    .selectAll()
    .where('workspace_id', '=', workspaceId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.contact_id) query = query.where('contact_id', '=', filter.contact_id);
  if (filter.starting_after) {
    const cursor = await findReviewRequestRow(executor, workspaceId, filter.starting_after);
    if (!cursor) throw validationError('starting_after', 'is not the id of a request in this list');
    query = query.where('id', '<', cursor.id);
  }
  const rows = await query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return { rows: rows.slice(0, limit), has_more: rows.length > limit };
}
