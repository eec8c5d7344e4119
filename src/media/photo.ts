import type { Executor } from '../platform/db/database.js';
import { AppError, validationError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { detectPhotoType, type PhotoType } from './image-type.js';
import { strongEtag } from '../widgets/http-cache.js';
import { insertMedia, mediaPath } from './store.js';

/** An author photo is shown at 40 px: 2 MB is plenty, and bounds every row. */
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;

/** Bytes that passed the checks, with the type they really have. */
export interface CheckedPhoto {
  bytes: Buffer;
  contentType: PhotoType;
}

/** Refuses oversize (413) and anything but a whole JPEG, PNG or WebP file (422). */
export function checkPhoto(bytes: Buffer, field = '/photo'): CheckedPhoto {
  if (bytes.length > MAX_PHOTO_BYTES) {
    throw new AppError('payload_too_large', `a photo may be up to ${MAX_PHOTO_BYTES} bytes`);
  }
  const contentType = detectPhotoType(bytes);
  if (!contentType) throw validationError(field, 'must be a JPEG, PNG or WebP image');
  return { bytes, contentType };
}

/** Stores a checked photo for a testimonial; returns the path the testimonial keeps. */
export async function storePhoto(
  executor: Executor,
  owner: { workspaceId: string; testimonialId: string },
  photo: CheckedPhoto,
  nowIso: string,
): Promise<string> {
  const id = newId('media', Date.parse(nowIso));
  await insertMedia(executor, {
    id,
    ...owner,
    contentType: photo.contentType,
    etag: strongEtag(photo.bytes),
    bytes: photo.bytes,
    createdAt: nowIso,
  });
  return mediaPath(id);
}
