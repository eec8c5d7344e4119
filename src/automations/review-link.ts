import type { Services } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { findFormRow, type FormRow } from '../forms/store.js';
import type { TestimonialOrigin } from '../testimonials/service.js';
import { findContactRow, type ContactRow } from './contact-store.js';
import {
  OPEN_STATUSES,
  findReviewRequestByToken,
  transition,
  type ReviewRequestRow,
} from './review-request-store.js';
import { readUnsubscribeToken } from './review-mail.js';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export type LinkState =
  | { usable: true; request: ReviewRequestRow; contact: ContactRow; form: FormRow }
  | { usable: false; reason: 'unknown' | 'used' | 'expired' | 'canceled' };

/**
 * What a personal link leads to. Opening it the first time marks the request opened; a
 * link past its time is marked expired on the spot, before any job gets to it.
 */
export async function openReviewLink(services: Services, token: string): Promise<LinkState> {
  if (!TOKEN_SHAPE.test(token)) return { usable: false, reason: 'unknown' };
  const { kysely } = services.db;
  const request = await findReviewRequestByToken(kysely, token);
  if (!request || request.status === 'scheduled') return { usable: false, reason: 'unknown' };
  if (request.status === 'completed') return { usable: false, reason: 'used' };
  if (request.status === 'canceled') return { usable: false, reason: 'canceled' };

  const nowMs = services.clock.nowMs();
  const nowIso = new Date(nowMs).toISOString();
  if (request.status === 'expired' || Date.parse(request.expires_at ?? '') <= nowMs) {
    await transition(kysely, request.id, OPEN_STATUSES, { status: 'expired', updated_at: nowIso });
    return { usable: false, reason: 'expired' };
  }
  const contact = await findContactRow(kysely, request.workspace_id, request.contact_id);
  const form = await findFormRow(kysely, request.workspace_id, request.form_id);
  if (!contact || !form) return { usable: false, reason: 'unknown' };
  if (request.status === 'sent') {
    await transition(kysely, request.id, ['sent'], {
      status: 'opened',
      opened_at: nowIso,
      updated_at: nowIso,
    });
  }
  return { usable: true, request, contact, form };
}

/** Thrown inside the submission when the link was used (or ran out) meanwhile. */
export class LinkUsedError extends AppError {
  constructor() {
    super('conflict', 'this review request link was already used or has expired');
  }
}

/**
 * The origin of a testimonial sent through a link: linked to the contact, verified when
 * the address given is the contact's own (or none), and the request completed in the same
 * transaction — once: a second post finds it completed and stores nothing.
 */
export function linkOrigin(
  services: Services,
  request: ReviewRequestRow,
  contact: ContactRow,
  submittedEmail: string,
): TestimonialOrigin {
  const email = submittedEmail.trim().toLowerCase();
  return {
    contactId: contact.id,
    verified: email === '' || email === contact.email,
    async onStored(trx, testimonial) {
      const nowMs = services.clock.nowMs();
      const nowIso = new Date(nowMs).toISOString();
      const done = await trx
        .updateTable('review_requests')
        .set({
          status: 'completed',
          completed_at: nowIso,
          testimonial_id: testimonial.id,
          updated_at: nowIso,
        })
        .where('id', '=', request.id)
        .where('status', 'in', OPEN_STATUSES)
        .where('expires_at', '>', nowIso)
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) !== 1) throw new LinkUsedError();
    },
  };
}

/** Marks the token's contact unsubscribed and cancels what was still to be sent. */
export async function unsubscribe(services: Services, token: string): Promise<boolean> {
  const contactId = readUnsubscribeToken(services.secrets, token);
  if (!contactId) return false;
  return services.transaction(async (trx) => {
    const contact = await trx
      .selectFrom('contacts')
      .select(['id', 'unsubscribed'])
      .where('id', '=', contactId)
      .executeTakeFirst();
    if (!contact) return false;
    const nowIso = new Date(services.clock.nowMs()).toISOString();
    if (contact.unsubscribed !== 1) {
      await trx
        .updateTable('contacts')
        .set({ unsubscribed: 1, unsubscribed_at: nowIso, updated_at: nowIso })
        .where('id', '=', contactId)
        .execute();
    }
    await trx
      .updateTable('review_requests')
      .set({
        status: 'canceled',
        canceled_at: nowIso,
        skipped_reason: 'unsubscribed',
        updated_at: nowIso,
      })
      .where('contact_id', '=', contactId)
      .where('status', '=', 'scheduled')
      .execute();
    return true;
  });
}
