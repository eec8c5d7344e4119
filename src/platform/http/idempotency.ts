import { createHash } from 'node:crypto';
import type {
  FastifyReply,
  FastifyRequest,
  onSendHookHandler,
  preHandlerHookHandler,
} from 'fastify';
import type { Services } from '../context.js';
import { AppError, validationError } from '../errors.js';
import { IdempotencyStore, type IdempotencySlot } from './idempotency-store.js';
import { addRouteHook, isAuthenticatedRoute, methodsOf } from './route-hooks.js';
import type { App } from './types.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set while this request holds an Idempotency-Key claim that its response completes. */
    idempotencySlot: IdempotencySlot | null;
  }
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
const MAX_KEY_CHARS = 255;
/** A response larger than this is not kept (none of ours comes close). */
const MAX_STORED_BODY_CHARS = 1_048_576;

/** JSON with object keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function fingerprintOf(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`)
    .digest('hex');
}

function readKey(request: FastifyRequest): string | undefined {
  const raw = request.headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return undefined;
  const field = 'header:Idempotency-Key';
  if (Array.isArray(raw)) throw validationError(field, 'must be sent once');
  if (raw.length < 1 || raw.length > MAX_KEY_CHARS) {
    throw validationError(field, `must be 1 to ${MAX_KEY_CHARS} characters`);
  }
  return raw;
}

function appliesTo(request: FastifyRequest): boolean {
  return request.method === 'POST' && request.url.startsWith('/v1/') && !!request.principal;
}

function sendReplay(
  reply: FastifyReply,
  response: { statusCode: number; contentType: string | null; body: string },
) {
  if (response.contentType) reply.type(response.contentType);
  return reply.code(response.statusCode).header(REPLAYED_HEADER, 'true').send(response.body);
}

/** Takes the claim for this request's key; true when the reply was sent here (a replay). */
async function claimKey(
  store: IdempotencyStore,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<boolean> {
  const key = readKey(request);
  if (key === undefined) return false;

  const slot = { credentialId: request.principal!.keyId, key };
  const claim = await store.claim(slot, fingerprintOf(request));
  if (claim.kind === 'started') {
    request.idempotencySlot = slot;
    return false;
  }
  if (claim.kind === 'replay') {
    sendReplay(reply, claim.response);
    return true;
  }
  if (claim.kind === 'mismatch') {
    throw new AppError(
      'idempotency_key_reused',
      'This Idempotency-Key was used for a different request; use a new key for a new request.',
    );
  }
  reply.header('retry-after', '1');
  throw new AppError(
    'idempotency_key_in_use',
    'The first request with this Idempotency-Key is still in progress; retry shortly.',
  );
}

/** Keeps the response the claim was taken for, or releases the key after a 5xx. */
async function completeKey(
  store: IdempotencyStore,
  slot: IdempotencySlot,
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): Promise<void> {
  const body =
    typeof payload === 'string'
      ? payload
      : Buffer.isBuffer(payload)
        ? payload.toString('utf8')
        : undefined;
  try {
    if (reply.statusCode >= 500 || body === undefined || body.length > MAX_STORED_BODY_CHARS) {
      await store.release(slot);
    } else {
      const contentType = reply.getHeader('content-type');
      await store.complete(slot, {
        statusCode: reply.statusCode,
        contentType: typeof contentType === 'string' ? contentType : null,
        body,
      });
    }
  } catch (error) {
    request.log.error({ err: error }, 'idempotent response not stored');
  }
}

/**
 * `Idempotency-Key` on every authenticated POST under /v1, scoped to the credential:
 * the first response (status and body) is kept for 24 hours and replayed for the same
 * key and request; the same key with another request is a 422; while the first is still
 * running a duplicate gets 409. The claim is taken after validation (preHandler), so a
 * request refused as invalid leaves the key unused, and a 5xx releases it for a retry.
 * The hooks are callback-style, and only authenticated POST routes have them.
 */
export function installIdempotency(app: App, services: Pick<Services, 'db' | 'clock' | 'secrets'>) {
  const store = new IdempotencyStore(services.db, services.clock, services.secrets);
  app.decorateRequest('idempotencySlot', null);

  const claim: preHandlerHookHandler = (request, reply, done) => {
    if (!appliesTo(request)) return done();
    claimKey(store, request, reply).then((replied) => {
      if (!replied) done();
    }, done);
  };
  const complete: onSendHookHandler = (request, reply, payload, done) => {
    const slot = request.idempotencySlot;
    if (!slot) return done(null, payload);
    request.idempotencySlot = null;
    completeKey(store, slot, request, reply, payload).then(() => done(null, payload), done);
  };
  // Only a POST with a credential can claim a key; other routes get neither hook.
  app.addHook('onRoute', (route) => {
    if (!isAuthenticatedRoute(route) || !methodsOf(route).includes('POST')) return;
    addRouteHook(route, 'preHandler', claim);
    addRouteHook(route, 'onSend', complete);
  });
}
