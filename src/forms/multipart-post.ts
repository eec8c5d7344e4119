import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { MAX_PHOTO_BYTES } from '../media/photo.js';
import { AppError } from '../platform/errors.js';
import type { App } from '../platform/http/types.js';

/** A form has ten fields or so; more means a forged post. */
const MAX_FORM_PARTS = 24;

/** What a multipart post of the hosted form carried: its fields and the optional photo. */
export interface MultipartPost {
  fields: Record<string, string>;
  photo: UploadedPhoto | null;
}

export interface UploadedPhoto {
  /** Cut at MAX_PHOTO_BYTES when it was larger. */
  bytes: Buffer;
  tooLarge: boolean;
}

/**
 * Multipart posts for a scope that already reads urlencoded ones. A photo larger than the
 * cap is cut off, not buffered, and the rest of the post is still read, so the form can
 * come back with everything the visitor typed and a sentence about the photo.
 */
export async function acceptMultipartPosts(app: App, fieldBytes: number): Promise<void> {
  await app.register(multipart, {
    throwFileSizeLimit: false,
    limits: {
      fileSize: MAX_PHOTO_BYTES,
      files: 1,
      fieldSize: fieldBytes,
      parts: MAX_FORM_PARTS,
    },
  });
}

/**
 * Reads a multipart post whole; the first value of a repeated field counts. A body the
 * parser cannot follow (no boundary, cut off mid-part) is the sender's fault: a 400.
 */
export async function readMultipartPost(request: FastifyRequest): Promise<MultipartPost> {
  try {
    return await readParts(request);
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status < 500) throw error;
    throw new AppError('bad_request', 'the multipart body could not be read', undefined, {
      cause: error,
    });
  }
}

async function readParts(request: FastifyRequest): Promise<MultipartPost> {
  const post: MultipartPost = { fields: {}, photo: null };
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      if (typeof part.value === 'string') post.fields[part.fieldname] ??= part.value;
      continue;
    }
    const bytes = await part.toBuffer();
    // An empty file input still sends a part, with no name and no bytes.
    if (part.fieldname === 'photo' && bytes.length > 0 && !post.photo) {
      post.photo = { bytes, tooLarge: part.file.truncated };
    }
  }
  return post;
}
