import formbody from '@fastify/formbody';
import type { FastifyReply } from 'fastify';
import { issueFormToken } from '../forms/form-token.js';
import { FORM_BODY_LIMIT_BYTES } from '../forms/hosted-routes.js';
import { HOSTED_PAGE_HEADERS, sendHtml } from '../forms/html-response.js';
import { renderFormPage } from '../forms/pages.js';
import { submitForm } from '../forms/submit.js';
import { EMPTY_VALUES, readSubmission } from '../forms/submission.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import { MemoryRateLimiter } from '../platform/rate-limit.js';
import { LINK_MESSAGES, renderLinkMessage, renderUnsubscribePage } from './link-pages.js';
import { LinkUsedError, linkOrigin, openReviewLink, unsubscribe } from './review-link.js';

const hide = { schema: { hide: true } };
interface TokenParams {
  token: string;
}
const STATUS_OF = { unknown: 404, used: 410, expired: 410, canceled: 410 } as const;

function message(reply: FastifyReply, status: number, key: keyof typeof LINK_MESSAGES) {
  const [heading, text] = LINK_MESSAGES[key];
  return sendHtml(reply, status, renderLinkMessage(heading, text));
}

/**
 * The personal review link `/r/:token` (the form, name and email filled in, posting back
 * here) and the unsubscribe link `/u/:token` (a confirmation page, and the RFC 8058
 * one-click POST mail providers send).
 */
export async function linkRoutes(app: App, { services }: RouteDeps) {
  const limiter = new MemoryRateLimiter({
    limit: services.config.formRateLimitPerMinute,
    windowMs: 60_000,
    clock: services.clock,
  });
  app.removeAllContentTypeParsers();
  await app.register(formbody, { bodyLimit: FORM_BODY_LIMIT_BYTES });
  // One-click unsubscribe posts may come as multipart; their body is not needed.
  app.addContentTypeParser('multipart/form-data', (_request, payload, done) => {
    payload.resume();
    payload.on('end', () => done(null, {}));
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.headers(HOSTED_PAGE_HEADERS);
  });

  app.get<{ Params: TokenParams }>('/r/:token', hide, async (request, reply) => {
    const state = await openReviewLink(services, request.params.token);
    if (!state.usable) return message(reply, STATUS_OF[state.reason], state.reason);
    const { form, contact } = state;
    const values = {
      ...EMPTY_VALUES,
      author_name: contact.name ?? '',
      author_email: contact.email,
    };
    const token = issueFormToken(services.secrets, form, services.clock.nowMs());
    const action = `/r/${request.params.token}`;
    return sendHtml(
      reply,
      200,
      renderFormPage({ form, values, errors: [], notice: null, token, action }),
    );
  });

  app.post<{ Params: TokenParams }>('/r/:token', hide, async (request, reply) => {
    const state = await openReviewLink(services, request.params.token);
    if (!state.usable) return message(reply, STATUS_OF[state.reason], state.reason);
    const { form, contact, request: reviewRequest } = state;
    const email = readSubmission(request.body).values.author_email;
    const origin = linkOrigin(services, reviewRequest, contact, email);
    try {
      const result = await submitForm(
        { services, limiter, log: request.log },
        form,
        request,
        origin,
      );
      if (result.accepted) return reply.redirect(`/f/${form.slug}/thanks`, 303);
      if (result.retryAfterSeconds) reply.header('retry-after', String(result.retryAfterSeconds));
      const token = issueFormToken(services.secrets, form, services.clock.nowMs());
      const action = `/r/${request.params.token}`;
      return sendHtml(reply, result.status, renderFormPage({ form, token, action, ...result }));
    } catch (error) {
      if (error instanceof LinkUsedError) return message(reply, 410, 'used');
      throw error;
    }
  });

  app.get<{ Params: TokenParams }>('/u/:token', hide, async (request, reply) => {
    const action = `/u/${encodeURIComponent(request.params.token)}`;
    return sendHtml(
      reply,
      200,
      renderUnsubscribePage(action, new URL(services.config.publicUrl).host),
    );
  });

  app.post<{ Params: TokenParams }>('/u/:token', hide, async (request, reply) => {
    const done = await unsubscribe(services, request.params.token);
    if (!done) return message(reply, 404, 'unknown');
    request.log.info({ route: 'unsubscribe' }, 'contact unsubscribed');
    return message(reply, 200, 'unsubscribed');
  });
}
