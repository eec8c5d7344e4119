import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { workspaceOf } from '../auth/authenticate.js';
import { AppError, notFound } from '../platform/errors.js';
import { sendProblem } from '../platform/http/error-handler.js';
import { IdParams, authProblems } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import { TestimonialSchema } from '../testimonials/schema.js';
import { findTestimonial } from '../testimonials/store.js';
import { ifNoneMatchHits, sendNotModified } from '../widgets/http-cache.js';
import { PHOTO_TYPES } from './image-type.js';
import { checkPhoto, MAX_PHOTO_BYTES } from './photo.js';
import { replacePhoto } from './service.js';
import { findLiveMediaOf, findServedMedia } from './store.js';

/**
 * How long a browser or proxy may keep a photo without asking again: the documented
 * bound (C19) within which a deleted, revoked or replaced photo stops showing anywhere.
 * Nothing longer (no `immutable`, no stale-while-revalidate) is ever sent.
 */
export const MEDIA_MAX_AGE_SECONDS = 300;
export const MEDIA_CACHE_CONTROL = `public, max-age=${MEDIA_MAX_AGE_SECONDS}`;

/** An image is inert: no script, no plugin, no frame, even if opened as a page. */
export const MEDIA_CSP = "default-src 'none'; sandbox";

const MEDIA_ID = /^med_[0-9a-z]{26}$/;
const tags = ['testimonials'];
const security = [{ apiKey: [] }];
const One = Type.Ref(TestimonialSchema);

function sendImage(reply: FastifyReply, media: { contentType: string; bytes: Buffer }) {
  return reply
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', MEDIA_CSP)
    .type(media.contentType)
    .send(media.bytes);
}

/** `GET /media/:id`: a photo while its testimonial is public; 410 once gone, else 404. */
async function servePublicMedia(
  deps: RouteDeps,
  request: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
) {
  const { id } = request.params;
  const media = MEDIA_ID.test(id) ? await findServedMedia(deps.services.db.kysely, id) : undefined;
  // Errors are not kept: a pending photo may be approved a minute later.
  reply.header('cache-control', 'no-cache').header('cross-origin-resource-policy', 'cross-origin');
  if (!media) return sendProblem(reply, request, notFound('media'));
  if (!media.bytes) {
    return sendProblem(reply, request, new AppError('gone', 'this photo was removed'));
  }
  if (!media.isPublic) return sendProblem(reply, request, notFound('media'));

  reply.header('cache-control', MEDIA_CACHE_CONTROL).header('etag', media.etag);
  if (ifNoneMatchHits(request.headers['if-none-match'], media.etag)) {
    return sendNotModified(reply);
  }
  return sendImage(reply, { contentType: media.contentType, bytes: media.bytes });
}

/** The public `GET /media/:id` that widgets link to (a feature of its own). */
export async function mediaRoutes(app: App, deps: RouteDeps) {
  app.get<{ Params: { id: string } }>('/media/:id', { schema: { hide: true } }, (request, reply) =>
    servePublicMedia(deps, request, reply),
  );
}

/**
 * `PUT/DELETE/GET /v1/testimonials/:id/photo`, registered by the testimonials routes in a
 * scope of its own (image parsers stay here). Uploads are the image bytes themselves:
 * their type is read from the bytes, the declared Content-Type only has to be an image.
 */
export async function photoRoutes(app: App, deps: RouteDeps) {
  const { services, requireScope } = deps;
  app.addContentTypeParser(
    [...PHOTO_TYPES, 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: MAX_PHOTO_BYTES },
    (_request, body, done) => done(null, body),
  );

  app.put(
    '/v1/testimonials/:id/photo',
    {
      onRequest: requireScope('testimonials:write'),
      bodyLimit: MAX_PHOTO_BYTES,
      schema: {
        tags,
        security,
        summary: 'Upload the author photo (JPEG, PNG or WebP bytes, up to 2 MB)',
        description:
          'Send the image as the body with Content-Type `image/jpeg`, `image/png` or ' +
          '`image/webp`. The type is checked from the bytes; larger bodies get 413. ' +
          'It replaces any earlier photo, whose URL then answers 410.',
        params: IdParams,
        response: { 200: One, 413: Type.Ref('Problem'), 415: Type.Ref('Problem'), ...authProblems },
      },
    },
    async (request) => {
      const workspaceId = workspaceOf(request);
      const { id } = request.params;
      if (!(await findTestimonial(services.db.kysely, workspaceId, id))) {
        throw notFound('testimonial');
      }
      if (!Buffer.isBuffer(request.body)) {
        throw new AppError(
          'unsupported_media_type',
          'send the image bytes as image/jpeg, image/png or image/webp',
        );
      }
      return replacePhoto(services, workspaceId, id, checkPhoto(request.body, '/body'));
    },
  );

  app.delete(
    '/v1/testimonials/:id/photo',
    {
      onRequest: requireScope('testimonials:write'),
      schema: {
        tags,
        security,
        summary: 'Remove the author photo; its URL answers 410 from now on',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => replacePhoto(services, workspaceOf(request), request.params.id, null),
  );

  app.get(
    '/v1/testimonials/:id/photo',
    {
      onRequest: requireScope('testimonials:read'),
      schema: {
        tags,
        security,
        summary: 'The author photo as uploaded, also while the testimonial is not public',
        params: IdParams,
        response: authProblems,
      },
    },
    async (request, reply) => {
      const kysely = services.db.kysely;
      const media = await findLiveMediaOf(kysely, workspaceOf(request), request.params.id);
      if (!media?.bytes) throw notFound('photo');
      reply.header('cache-control', 'private, no-store');
      return sendImage(reply, { contentType: media.content_type, bytes: media.bytes });
    },
  );
}
