import type { Executor } from '../platform/db/database.js';

/** The path of a hosted photo, as testimonials store it (`author_avatar_url`). */
export const MEDIA_PATH_PREFIX = '/media/';

export function mediaPath(id: string): string {
  return `${MEDIA_PATH_PREFIX}${id}`;
}

/** A stored avatar as a URL a page can load: our own paths on our public URL. */
export function avatarUrl(stored: string | null, publicUrl: string): string | null {
  if (stored?.startsWith(MEDIA_PATH_PREFIX)) return `${publicUrl}${stored}`;
  return stored;
}

export interface NewMedia {
  id: string;
  workspaceId: string;
  testimonialId: string;
  contentType: string;
  etag: string;
  bytes: Buffer;
  createdAt: string;
}

export async function insertMedia(executor: Executor, media: NewMedia): Promise<void> {
  await executor
    .insertInto('media')
    .values({
      id: media.id,
      workspace_id: media.workspaceId,
      testimonial_id: media.testimonialId,
      content_type: media.contentType,
      byte_size: media.bytes.length,
      etag: media.etag,
      bytes: media.bytes,
      created_at: media.createdAt,
      gone_at: null,
    })
    .execute();
}

/**
 * Drops the bytes of every live photo of a testimonial and marks them gone, in the
 * caller's transaction: deleted, consent revoked or replaced, the URL answers 410.
 */
export async function retireMediaOf(
  executor: Executor,
  testimonialId: string,
  nowIso: string,
): Promise<void> {
  await executor
    .updateTable('media')
    .set({ bytes: null, gone_at: nowIso })
    .where('testimonial_id', '=', testimonialId)
    .where('gone_at', 'is', null)
    .execute();
}

export interface ServedMedia {
  contentType: string;
  etag: string;
  /** Null once gone. */
  bytes: Buffer | null;
  /** Whether its testimonial may be shown publicly now (approved, with consent). */
  isPublic: boolean;
}

/** A photo by id with whether its testimonial is public now; undefined if never issued. */
export async function findServedMedia(
  executor: Executor,
  id: string,
): Promise<ServedMedia | undefined> {
  const row = await executor
    .selectFrom('media')
    .leftJoin('testimonials', 'testimonials.id', 'media.testimonial_id')
    .select([
      'media.content_type',
      'media.etag',
      'media.bytes',
      'testimonials.status',
      'testimonials.consent_given',
    ])
    .where('media.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    contentType: row.content_type,
    etag: row.etag,
    bytes: row.bytes,
    isPublic: row.status === 'approved' && row.consent_given === 1,
  };
}

/** The live photo of a testimonial of this workspace, for its moderators. */
export async function findLiveMediaOf(
  executor: Executor,
  workspaceId: string,
  testimonialId: string,
) {
  return executor
    .selectFrom('media')
    .select(['content_type', 'etag', 'bytes'])
    .where('workspace_id', '=', workspaceId)
    .where('testimonial_id', '=', testimonialId)
    .where('gone_at', 'is', null)
    .executeTakeFirst();
}
