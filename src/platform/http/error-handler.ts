import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, toProblem, type FieldError } from '../errors.js';

const FASTIFY_CODES: Record<string, AppError['code']> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
};

type AjvIssue = NonNullable<FastifyError['validation']>[number];

interface FieldIssues {
  allowed: unknown[];
  messages: string[];
}

function fieldOf(issue: AjvIssue, context: string | undefined): string {
  const params = issue.params as Record<string, unknown>;
  let field = issue.instancePath || '';
  if (typeof params.missingProperty === 'string') field += `/${params.missingProperty}`;
  if (typeof params.additionalProperty === 'string') return `${field}/${params.additionalProperty}`;
  const where = context && context !== 'body' ? `${context}:` : '';
  return `${where}${field || '/'}`;
}

/**
 * Turns ajv's issues into one entry per bad field, named by JSON pointer. A union of
 * literals (an enum) reads as "must be one of: …" instead of one line per branch, and the
 * "must be null" branch of a nullable field is left out when the field has a real fault.
 */
function fieldErrors(issues: AjvIssue[], context: string | undefined): FieldError[] {
  const byField = new Map<string, FieldIssues>();
  for (const issue of issues) {
    const params = issue.params as Record<string, unknown>;
    const field = fieldOf(issue, context);
    const entry = byField.get(field) ?? { allowed: [], messages: [] };
    byField.set(field, entry);
    if (typeof params.additionalProperty === 'string') entry.messages.push('is not a known field');
    else if (issue.keyword === 'const') entry.allowed.push(params.allowedValue);
    else if (issue.keyword === 'enum') entry.allowed.push(...(params.allowedValues as unknown[]));
    else if (issue.keyword !== 'anyOf' && !(issue.keyword === 'type' && params.type === 'null')) {
      entry.messages.push(issue.message ?? 'is invalid');
    }
  }
  return [...byField].map(([field, entry]) => {
    const messages = [...new Set(entry.messages)];
    if (entry.allowed.length > 0) {
      messages.unshift(`must be one of: ${entry.allowed.map((v) => JSON.stringify(v)).join(', ')}`);
    }
    return { field, message: messages.join('; ') || 'is invalid' };
  });
}

const POSTGRES_INVALID_BYTES = '22021';

export function toAppError(error: FastifyError): AppError {
  if (error instanceof AppError) return error;
  if (error.validation) {
    const fields = fieldErrors(error.validation, error.validationContext);
    const summary = fields.map((f) => `${f.field} ${f.message}`).join('; ');
    return new AppError('validation_failed', summary, fields, { cause: error });
  }
  // PostgreSQL refuses U+0000 in text ('invalid byte sequence', SQLSTATE 22021); it is
  // input we cannot store, not a fault of ours.
  if (error.code === POSTGRES_INVALID_BYTES) {
    const detail = 'text must not contain the NUL character (U+0000)';
    return new AppError('validation_failed', detail, undefined, { cause: error });
  }
  const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (mapped) return new AppError(mapped, undefined, undefined, { cause: error });
  const status = error.statusCode ?? 500;
  if (status === 404) return new AppError('not_found', undefined, undefined, { cause: error });
  if (status >= 400 && status < 500)
    return new AppError('bad_request', undefined, undefined, { cause: error });
  return new AppError('internal_error', undefined, undefined, { cause: error });
}

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  error: AppError,
): FastifyReply {
  return reply
    .code(error.status)
    .type('application/problem+json')
    .send(toProblem(error, request.id));
}

/** Every error leaves as an RFC 9457 problem; a 5xx body never carries internal text. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: appError.code, detail: appError.detail }, 'request rejected');
    return sendProblem(reply, request, appError);
  });

  app.setNotFoundHandler((request, reply) => {
    return sendProblem(
      reply,
      request,
      new AppError(
        'route_not_found',
        `no route for ${request.method} ${request.url.split('?')[0]}`,
      ),
    );
  });
}
