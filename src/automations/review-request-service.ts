import type { Transaction } from 'kysely';
import type { Services } from '../platform/context.js';
import type { Executor } from '../platform/db/database.js';
import type { Database } from '../platform/db/schema.js';
import { AppError, notFound, validationError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { enqueueJob } from '../platform/jobs.js';
import { findFormRow } from '../forms/store.js';
import { findContactRow, upsertContactRow, type ContactRow } from './contact-store.js';
import {
  LINK_LIFETIME_DAYS,
  type CreateReviewRequestInput,
  type ReviewRequest,
} from './review-request-schema.js';
import {
  OPEN_STATUSES,
  findReviewRequestRow,
  hashToken,
  linkToken,
  toReviewRequest,
  transition,
  type ReviewRequestRow,
} from './review-request-store.js';
import { composeReviewMail } from './review-mail.js';
import { loadSettings } from './settings-store.js';
import { addLocalDays, parseWallTime, zonedToUtcMs } from './zoned-time.js';

export const SEND_JOB = 'review_request.send';
export const REMIND_JOB = 'review_request.remind';
export const EXPIRE_JOB = 'review_request.expire';
const DAY_MS = 86_400_000;

interface RequestJob {
  review_request_id: string;
}

export interface NewReviewRequest {
  workspaceId: string;
  contactId: string;
  formId: string;
  ruleId: string | null;
  sendAtMs: number;
  /** Null: the workspace setting; 0: no reminder. */
  reminderAfterDays: number | null;
}

/** Stores a scheduled request and its send job, in the caller's transaction. */
export async function insertReviewRequest(
  executor: Executor,
  services: Services,
  request: NewReviewRequest,
): Promise<ReviewRequestRow> {
  const nowMs = services.clock.nowMs();
  const id = newId('reviewRequest', nowMs);
  const sendAtMs = Math.max(request.sendAtMs, nowMs);
  const nowIso = new Date(nowMs).toISOString();
  const row: ReviewRequestRow = {
    id,
    workspace_id: request.workspaceId,
    contact_id: request.contactId,
    form_id: request.formId,
    rule_id: request.ruleId,
    status: 'scheduled',
    token_hash: hashToken(linkToken(services.secrets, id)),
    send_at: new Date(sendAtMs).toISOString(),
    reminder_after_days: request.reminderAfterDays,
    reminder_at: null,
    expires_at: null,
    sent_at: null,
    reminded_at: null,
    opened_at: null,
    completed_at: null,
    canceled_at: null,
    skipped_reason: null,
    testimonial_id: null,
    created_at: nowIso,
    updated_at: nowIso,
  };
  await executor.insertInto('review_requests').values(row).execute();
  const job: RequestJob = { review_request_id: id };
  await enqueueJob(executor, services.clock, SEND_JOB, job, sendAtMs);
  return row;
}

function sendTimeOf(input: CreateReviewRequestInput, timeZone: string, nowMs: number): number {
  if (input.send_at !== undefined && input.send_at_local !== undefined) {
    throw validationError('/send_at_local', 'cannot be combined with send_at');
  }
  if (input.send_at !== undefined) return Date.parse(input.send_at);
  if (input.send_at_local === undefined) return nowMs;
  const wall = parseWallTime(input.send_at_local);
  if (!wall) throw validationError('/send_at_local', 'is not a date and time');
  return zonedToUtcMs(wall, timeZone);
}

async function contactFor(
  trx: Transaction<Database>,
  services: Services,
  workspaceId: string,
  input: CreateReviewRequestInput,
): Promise<ContactRow> {
  if ((input.contact_id === undefined) === (input.contact === undefined)) {
    throw validationError('/contact_id', 'give either contact_id or contact');
  }
  if (input.contact) {
    const nowMs = services.clock.nowMs();
    return (await upsertContactRow(trx, workspaceId, input.contact, nowMs)).row;
  }
  const found = await findContactRow(trx, workspaceId, input.contact_id!);
  if (!found) throw validationError('/contact_id', 'is not a contact of this workspace');
  return found;
}

/** A request made by hand or through the API: sent now, at an instant, or at a local time. */
export async function createReviewRequest(
  services: Services,
  workspaceId: string,
  input: CreateReviewRequestInput,
): Promise<ReviewRequest> {
  return services.transaction(async (trx) => {
    const contact = await contactFor(trx, services, workspaceId, input);
    if (contact.unsubscribed === 1) {
      throw new AppError('validation_failed', 'the contact has unsubscribed', [
        { field: input.contact ? '/contact' : '/contact_id', message: 'has unsubscribed' },
      ]);
    }
    if (!(await findFormRow(trx, workspaceId, input.form_id))) {
      throw validationError('/form_id', 'is not a form of this workspace');
    }
    const settings = await loadSettings(trx, workspaceId);
    const row = await insertReviewRequest(trx, services, {
      workspaceId,
      contactId: contact.id,
      formId: input.form_id,
      ruleId: null,
      sendAtMs: sendTimeOf(input, settings.time_zone, services.clock.nowMs()),
      reminderAfterDays: input.reminder_after_days ?? null,
    });
    return toReviewRequest(row, settings.time_zone);
  });
}

/** The send job: one email, exactly once (the status change and the email share a commit). */
async function sendRequest(services: Services, { review_request_id: id }: RequestJob) {
  await services.transaction(async (trx) => {
    const row = await trx
      .selectFrom('review_requests')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row || row.status !== 'scheduled') return;
    const nowMs = services.clock.nowMs();
    const nowIso = new Date(nowMs).toISOString();

    const contact = await findContactRow(trx, row.workspace_id, row.contact_id);
    if (!contact || contact.unsubscribed === 1) {
      await transition(trx, id, ['scheduled'], {
        status: 'canceled',
        canceled_at: nowIso,
        skipped_reason: 'unsubscribed',
        updated_at: nowIso,
      });
      return;
    }

    const settings = await loadSettings(trx, row.workspace_id);
    const expiresAtMs = nowMs + LINK_LIFETIME_DAYS * DAY_MS;
    const days = row.reminder_after_days ?? settings.reminder_after_days ?? 0;
    // Days after the scheduled local time, even if the job ran late (a server was down).
    const reminderAtMs =
      days > 0 ? addLocalDays(Date.parse(row.send_at), days, settings.time_zone) : null;
    const remind = reminderAtMs !== null && reminderAtMs < expiresAtMs;
    await transition(trx, id, ['scheduled'], {
      status: 'sent',
      sent_at: nowIso,
      expires_at: new Date(expiresAtMs).toISOString(),
      reminder_at: remind ? new Date(reminderAtMs).toISOString() : null,
      updated_at: nowIso,
    });
    const mail = await composeReviewMail(
      trx,
      services,
      row,
      contact,
      'review_request',
      settings,
      expiresAtMs,
    );
    await services.mailer.send(mail, trx);
    if (remind)
      await enqueueJob(trx, services.clock, REMIND_JOB, { review_request_id: id }, reminderAtMs);
    await enqueueJob(trx, services.clock, EXPIRE_JOB, { review_request_id: id }, expiresAtMs);
  });
}

/** The one reminder: only while the link is open, and never to an unsubscribed contact. */
async function remindRequest(services: Services, { review_request_id: id }: RequestJob) {
  await services.transaction(async (trx) => {
    const row = await trx
      .selectFrom('review_requests')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    const nowMs = services.clock.nowMs();
    if (!row || !OPEN_STATUSES.includes(row.status as 'sent') || row.reminded_at) return;
    if (!row.expires_at || Date.parse(row.expires_at) <= nowMs) return;
    const contact = await findContactRow(trx, row.workspace_id, row.contact_id);
    if (!contact || contact.unsubscribed === 1) return;

    const nowIso = new Date(nowMs).toISOString();
    await transition(trx, id, OPEN_STATUSES, { reminded_at: nowIso, updated_at: nowIso });
    const settings = await loadSettings(trx, row.workspace_id);
    const mail = await composeReviewMail(
      trx,
      services,
      row,
      contact,
      'reminder',
      settings,
      Date.parse(row.expires_at),
    );
    await services.mailer.send(mail, trx);
  });
}

async function expireRequest(services: Services, { review_request_id: id }: RequestJob) {
  const nowIso = new Date(services.clock.nowMs()).toISOString();
  await transition(services.db.kysely, id, OPEN_STATUSES, {
    status: 'expired',
    updated_at: nowIso,
  });
}

export async function cancelReviewRequest(
  services: Services,
  workspaceId: string,
  id: string,
): Promise<ReviewRequest> {
  return services.transaction(async (trx) => {
    const row = await findReviewRequestRow(trx, workspaceId, id);
    if (!row) throw notFound('review request');
    const nowIso = new Date(services.clock.nowMs()).toISOString();
    const canceled = await transition(trx, id, ['scheduled', ...OPEN_STATUSES], {
      status: 'canceled',
      canceled_at: nowIso,
      updated_at: nowIso,
    });
    if (!canceled) throw new AppError('conflict', `the request is already ${row.status}`);
    const settings = await loadSettings(trx, workspaceId);
    return toReviewRequest((await findReviewRequestRow(trx, workspaceId, id))!, settings.time_zone);
  });
}

export function registerReviewRequestJobs(services: Services): void {
  services.jobs.register(SEND_JOB, (payload) => sendRequest(services, payload as RequestJob));
  services.jobs.register(REMIND_JOB, (payload) => remindRequest(services, payload as RequestJob));
  services.jobs.register(EXPIRE_JOB, (payload) => expireRequest(services, payload as RequestJob));
}
