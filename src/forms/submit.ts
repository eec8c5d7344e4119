import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import ipaddr from 'ipaddr.js';
import type { Services } from '../platform/context.js';
import type { RateLimiter } from '../platform/rate-limit.js';
import { detectPhotoType } from '../media/image-type.js';
import { MAX_PHOTO_BYTES, type CheckedPhoto } from '../media/photo.js';
import { createTestimonial, type TestimonialOrigin } from '../testimonials/service.js';
import { verifyFormToken } from './form-token.js';
import type { UploadedPhoto } from './multipart-post.js';
import { isCrossSitePost } from './request-origin.js';
import type { FormRow } from './store.js';
import {
  readSubmission,
  toTestimonialInput,
  validateSubmission,
  type SubmissionError,
  type SubmissionValues,
} from './submission.js';

export const REFUSED_NOTICE =
  'This form has expired or was sent from another page. Please check your answers and send it again.';

export interface SubmitDeps {
  services: Services;
  limiter: RateLimiter;
  log: FastifyBaseLogger;
}

export interface SubmitRequest {
  body: unknown;
  headers: IncomingHttpHeaders;
  ip: string;
  /** The optional author photo of a multipart post. */
  photo?: UploadedPhoto | null;
}

/** Accepted (stored, or a bot quietly dropped) or refused with the form to show again. */
export type SubmitResult =
  | { accepted: true }
  | {
      accepted: false;
      status: 403 | 413 | 422 | 429;
      values: SubmissionValues;
      errors: SubmissionError[];
      notice: string | null;
      retryAfterSeconds?: number;
    };

/**
 * Whom the per-IP limit counts: an IPv4 address, or an IPv6 /64, since one home or phone
 * is usually given a whole /64 and could otherwise rotate through it.
 */
export function rateLimitKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return `form-post:${ip}`;
  const address = ipaddr.process(ip); // IPv4-mapped IPv6 becomes plain IPv4
  if (address.kind() === 'ipv4') return `form-post:${address.toString()}`;

  const network = (address as ipaddr.IPv6).parts.slice(0, 4);
  return `form-post:${network.map((part) => part.toString(16)).join(':')}::/64`;
}

function rateLimitedNotice(seconds: number): string {
  const wait = seconds >= 60 ? `${Math.ceil(seconds / 60)} minute(s)` : `${seconds} second(s)`;
  return `Too many submissions have come from your network. Please wait ${wait} and send it again.`;
}

/**
 * One post of a hosted form, checked in order of cost: the per-IP limit, that it comes
 * from our own page with a live token, the honeypot, then the fields.
 */
export async function submitForm(
  { services, limiter, log }: SubmitDeps,
  form: FormRow,
  request: SubmitRequest,
  origin?: TestimonialOrigin,
): Promise<SubmitResult> {
  const { values, token, honeypotFilled } = readSubmission(request.body);
  const refuse = (
    status: 403 | 413 | 422 | 429,
    notice: string | null,
    errors = [] as SubmissionError[],
  ) => ({ accepted: false, status, values, errors, notice }) as const;

  const limit = await limiter.consume(rateLimitKey(request.ip));
  if (!limit.allowed) {
    log.info({ formId: form.id }, 'form post rate limited');
    const seconds = limit.retryAfterSeconds;
    return { ...refuse(429, rateLimitedNotice(seconds)), retryAfterSeconds: seconds };
  }

  const crossSite = isCrossSitePost(request.headers, services.config.publicUrl);
  if (crossSite || !verifyFormToken(services.secrets, form, token, services.clock.nowMs())) {
    log.info({ formId: form.id, crossSite }, 'form post refused');
    return refuse(403, REFUSED_NOTICE);
  }

  if (honeypotFilled) {
    log.info({ formId: form.id }, 'form honeypot filled');
    return { accepted: true };
  }

  const photo = checkUploadedPhoto(request.photo);
  const errors = validateSubmission(values);
  if (photo.error) errors.push({ field: 'photo', message: photo.error });
  if (errors.length > 0) return refuse(photo.tooLarge ? 413 : 422, null, errors);

  const input = toTestimonialInput(values, form);
  const options = { origin, photo: photo.checked };
  await createTestimonial(services, form.workspace_id, input, 'form', options);
  return { accepted: true };
}

interface PhotoCheck {
  checked?: CheckedPhoto;
  error?: string;
  tooLarge?: boolean;
}

/** The photo by what its bytes are (a page named `me.png` is refused), within the cap. */
function checkUploadedPhoto(photo: UploadedPhoto | null | undefined): PhotoCheck {
  if (!photo) return {};
  if (photo.tooLarge) {
    const megabytes = MAX_PHOTO_BYTES / (1024 * 1024);
    return { error: `Please choose a photo of up to ${megabytes} MB.`, tooLarge: true };
  }
  const contentType = detectPhotoType(photo.bytes);
  if (!contentType) return { error: 'Please choose a JPEG, PNG or WebP image.' };
  return { checked: { bytes: photo.bytes, contentType } };
}
