import type { Services } from '../platform/context.js';
import { AppError, notFound } from '../platform/errors.js';
import type { Testimonial } from '../testimonials/schema.js';
import { findTestimonial, findTestimonialForUpdate } from '../testimonials/store.js';
import { bumpContentVersion } from '../workspaces/store.js';
import { storePhoto, type CheckedPhoto } from './photo.js';
import { retireMediaOf } from './store.js';

/**
 * Sets (or, with null, removes) a testimonial's hosted photo. The old photo's URL is gone
 * at once (410), the feeds move to the new content version and `testimonial.updated`
 * tells subscribers and open widgets, all in one transaction.
 */
export async function replacePhoto(
  services: Services,
  workspaceId: string,
  testimonialId: string,
  photo: CheckedPhoto | null,
): Promise<Testimonial> {
  return services.transaction(async (trx) => {
    const nowIso = new Date(services.clock.nowMs()).toISOString();
    const before = await findTestimonialForUpdate(trx, workspaceId, testimonialId, nowIso);
    if (!before) throw notFound('testimonial');
    // Withdrawn consent is final for this testimonial: no new photo of the author is kept.
    if (photo && before.consent_revoked_at) {
      throw new AppError('conflict', 'the author revoked consent; no photo can be added');
    }

    await retireMediaOf(trx, testimonialId, nowIso);
    const owner = { workspaceId, testimonialId };
    const path = photo ? await storePhoto(trx, owner, photo, nowIso) : null;
    await trx
      .updateTable('testimonials')
      .set({ author_avatar_url: path, updated_at: nowIso })
      .where('id', '=', testimonialId)
      .execute();
    await bumpContentVersion(trx, workspaceId);

    const after = (await findTestimonial(trx, workspaceId, testimonialId))!;
    await services.outbox.record(trx, workspaceId, 'testimonial.updated', after);
    return after;
  });
}
