import formbody from '@fastify/formbody';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_PHOTO_BYTES } from '../media/photo.js';
import { AppError } from '../platform/errors.js';
import { toAppError } from '../platform/http/error-handler.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import { serverRateLimiters } from '../platform/http/rate-limit.js';
import { FORM_CSS_ASSET, FORM_ICON_ASSET, type StaticAsset } from './assets.js';
import { issueFormToken } from './form-token.js';
import { HOSTED_PAGE_HEADERS, sendHtml } from './html-response.js';
import { renderFormPage, renderMessagePage, renderThanksPage } from './pages.js';
import { SLUG_PATTERN } from './schema.js';
import { findFormRowBySlug, type FormRow } from './store.js';
import { acceptMultipartPosts, readMultipartPost } from './multipart-post.js';
import { submitForm, type SubmitRequest } from './submit.js';
import { EMPTY_VALUES, type SubmissionError, type SubmissionValues } from './submission.js';

/** A full form of 5,000 four-byte characters, percent-encoded, fits with room to spare. */
export const FORM_BODY_LIMIT_BYTES = 128 * 1024;
const SLUG = new RegExp(SLUG_PATTERN);
const hide = { schema: { hide: true } };

interface SlugParams {
  slug: string;
}

const MESSAGES: Record<number, [heading: string, message: string]> = {
  404: ['Form not found', 'This form does not exist or is closed. Please check the link.'],
  413: [
    'Too much to send',
    'Your answers or photo are larger than this form accepts. Please shorten them or choose a smaller photo.',
  ],
  500: ['Something went wrong', 'Your testimonial was not saved. Please try again in a minute.'],
};
const UNREADABLE: [string, string] = [
  'The form could not be read',
  'Please open the form again and send it from there.',
];

function sendMessage(reply: FastifyReply, error: AppError): FastifyReply {
  const [heading, message] =
    MESSAGES[error.status] ?? (error.status >= 500 ? MESSAGES[500]! : UNREADABLE);
  return sendHtml(reply, error.status, renderMessagePage(heading, message));
}

/** The versioned URL may be cached for a year; the plain path only briefly. */
function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: StaticAsset) {
  const versioned = (request.query as { v?: unknown }).v === asset.version;
  const etag = `"${asset.version}"`;
  reply
    .header(
      'cache-control',
      versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
    )
    .header('etag', etag);
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.type(asset.contentType).send(asset.body);
}

/** A whole post may hold the photo and the fields; a longer one is refused before reading. */
const MAX_MULTIPART_BYTES = MAX_PHOTO_BYTES + FORM_BODY_LIMIT_BYTES;

/** A urlencoded post as parsed, or a multipart one (with a photo) read here. */
async function readPost(request: FastifyRequest): Promise<SubmitRequest> {
  const { headers, ip } = request;
  if (!request.isMultipart()) return { body: request.body, headers, ip };
  if (Number(headers['content-length'] ?? 0) > MAX_MULTIPART_BYTES) {
    throw new AppError('payload_too_large');
  }
  const { fields, photo } = await readMultipartPost(request);
  return { body: fields, headers, ip, photo };
}

/**
 * The hosted submission page `/f/:slug`: a plain HTML form that works without
 * JavaScript, posted back as `multipart/form-data` (it may carry a photo; urlencoded
 * posts are read too), with its stylesheet and icon.
 */
export async function hostedFormRoutes(app: App, { services }: RouteDeps) {
  // The shared counters: in Redis when configured, so every server counts the same posts.
  const limiter = serverRateLimiters(services).form;

  // This scope reads form posts only; a JSON body here is refused with 415.
  app.removeAllContentTypeParsers();
  await app.register(formbody, { bodyLimit: FORM_BODY_LIMIT_BYTES });
  await acceptMultipartPosts(app, FORM_BODY_LIMIT_BYTES);
  app.addHook('onSend', async (_request, reply) => {
    reply.headers(HOSTED_PAGE_HEADERS);
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: appError.code }, 'request rejected');
    return sendMessage(reply, appError);
  });

  async function formBySlug(slug: string): Promise<FormRow | undefined> {
    return SLUG.test(slug) ? findFormRowBySlug(services.db.kysely, slug) : undefined;
  }

  function sendForm(
    reply: FastifyReply,
    status: number,
    form: FormRow,
    page: { values: SubmissionValues; errors: SubmissionError[]; notice: string | null },
  ) {
    const token = issueFormToken(services.secrets, form, services.clock.nowMs());
    return sendHtml(reply, status, renderFormPage({ form, token, photo: true, ...page }));
  }

  const notFoundPage = (reply: FastifyReply) =>
    sendHtml(reply, 404, renderMessagePage(...MESSAGES[404]!));

  for (const asset of [FORM_CSS_ASSET, FORM_ICON_ASSET]) {
    app.get(asset.path, hide, async (request, reply) => sendAsset(request, reply, asset));
  }

  app.get<{ Params: SlugParams }>('/f/:slug', hide, async (request, reply) => {
    const form = await formBySlug(request.params.slug);
    if (!form) return notFoundPage(reply);
    return sendForm(reply, 200, form, { values: EMPTY_VALUES, errors: [], notice: null });
  });

  app.post<{ Params: SlugParams }>('/f/:slug', hide, async (request, reply) => {
    const form = await formBySlug(request.params.slug);
    if (!form) return notFoundPage(reply);

    const post = await readPost(request);
    const result = await submitForm({ services, limiter, log: request.log }, form, post);
    if (result.accepted) return reply.redirect(`/f/${form.slug}/thanks`, 303);
    if (result.retryAfterSeconds) reply.header('retry-after', String(result.retryAfterSeconds));
    return sendForm(reply, result.status, form, result);
  });

  app.get<{ Params: SlugParams }>('/f/:slug/thanks', hide, async (request, reply) => {
    const form = await formBySlug(request.params.slug);
    if (!form) return notFoundPage(reply);
    return sendHtml(reply, 200, renderThanksPage(form));
  });
}
