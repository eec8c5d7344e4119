import type { FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';
import type { Services } from '../platform/context.js';
import { addRouteHook, isAuthenticatedRoute, methodsOf } from '../platform/http/route-hooks.js';
import type { App } from '../platform/http/types.js';
import { actorOfCredential, recordAudit, requestOrigin, type AuditRecord } from './service.js';

/*
 * Admin actions of other features are recorded here, from one hook over every `/v1`
 * write, rather than by each feature's service: the rule for what is audited then lives
 * in one table a test walks, and a new write route is audited by default (as
 * `<resource>.created|updated|deleted`) instead of silently missed. The cost: the entry is
 * written after the action's own transaction, so a crash between the two loses the entry.
 * Features whose actions must commit with their entry call recordAudit themselves
 * (API keys do) and are listed in SELF_RECORDED.
 */

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Write routes whose service records its own entries, inside its transaction. */
export const SELF_RECORDED = new Set(['POST /v1/api-keys', 'DELETE /v1/api-keys/:id']);

/**
 * Write routes that are not admin actions: content arriving in volume, which the event
 * log already keeps. Auditing them would bury the admin actions.
 */
export const NOT_AUDITED = new Set(['POST /v1/testimonials', 'POST /v1/customer-events']);

interface AuditRule {
  action: string;
  targetType: string;
}

/** `webhook-endpoints` → `webhook_endpoint`. */
function resourceOf(collection: string): string {
  return collection.replace(/-/g, '_').replace(/s$/, '');
}

const VERB_BY_METHOD: Record<string, string> = {
  POST: 'created',
  PUT: 'updated',
  PATCH: 'updated',
  DELETE: 'deleted',
};

/** Testimonial edits that change the status are moderation; others are edits. */
function testimonialRule(request: FastifyRequest): AuditRule | undefined {
  if (request.method === 'DELETE')
    return { action: 'testimonial.deleted', targetType: 'testimonial' };
  const body = request.body as { status?: unknown } | undefined;
  const action = body?.status === undefined ? 'testimonial.updated' : 'testimonial.moderated';
  return { action, targetType: 'testimonial' };
}

/** What an audited request records, or undefined when it records nothing here. */
export function auditRuleFor(request: FastifyRequest): AuditRule | undefined {
  // The method first: routeOptions is an object Fastify builds on every read.
  if (!WRITE_METHODS.has(request.method)) return undefined;
  const url = request.routeOptions.url;
  if (!url?.startsWith('/v1/')) return undefined;
  const route = `${request.method} ${url}`;
  if (SELF_RECORDED.has(route) || NOT_AUDITED.has(route)) return undefined;

  const [collection = '', ...rest] = url.split('/').slice(2);
  const resource = resourceOf(collection);
  // `POST /v1/webhook-endpoints/:id/rotate-secret` is `webhook_endpoint.rotate_secret`.
  const verb = rest.filter((segment) => !segment.startsWith(':')).at(-1);
  if (verb) return { action: `${resource}.${verb.replace(/-/g, '_')}`, targetType: resource };
  if (collection === 'testimonials') return testimonialRule(request);
  return { action: `${resource}.${VERB_BY_METHOD[request.method]}`, targetType: resource };
}

/** The id an entry is about: the route's `:id`, or the id of the resource just created. */
function targetIdOf(request: FastifyRequest, payload: unknown): string | null {
  const params = request.params as { id?: unknown } | undefined;
  if (typeof params?.id === 'string') return params.id;
  if (typeof payload !== 'string') return null;
  try {
    const id = (JSON.parse(payload) as { id?: unknown }).id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

function shouldRecord(request: FastifyRequest, reply: FastifyReply): boolean {
  if (!request.principal) return false;
  if (reply.statusCode < 200 || reply.statusCode >= 300) return false;
  // A replayed response repeats an action already recorded.
  return reply.getHeader('idempotent-replayed') === undefined;
}

/** Writes the entry; a failure is logged, since the action itself has already happened. */
async function recordEntry(
  services: Services,
  request: FastifyRequest,
  rule: AuditRule,
  payload: unknown,
): Promise<void> {
  const principal = request.principal!;
  const record: AuditRecord = {
    workspaceId: principal.workspaceId,
    action: rule.action,
    actor: actorOfCredential(principal.keyId),
    target: { type: rule.targetType, id: targetIdOf(request, payload) },
    ...requestOrigin(request),
  };
  if (rule.action === 'testimonial.moderated') {
    record.details = { status: String((request.body as { status: unknown }).status) };
  }
  try {
    await recordAudit(services.db.kysely, services.clock, record);
  } catch (error) {
    request.log.error({ err: error, action: rule.action }, 'audit entry not recorded');
  }
}

/**
 * Records successful admin writes before the response leaves, so a client that sees the
 * success can already read the entry. A failed write of the entry is logged and the
 * response still goes out. Callback-style, and given only to authenticated write routes
 * as they register: reads and the public feeds have no such hook at all.
 */
export function installAuditTrail(app: App, services: Services): void {
  const record: onSendHookHandler = (request, reply, payload, done) => {
    const rule = auditRuleFor(request);
    if (!rule || !shouldRecord(request, reply)) return done(null, payload);
    recordEntry(services, request, rule, payload).then(() => done(null, payload), done);
  };
  app.addHook('onRoute', (route) => {
    if (!isAuthenticatedRoute(route)) return;
    if (methodsOf(route).some((method) => WRITE_METHODS.has(method))) {
      addRouteHook(route, 'onSend', record);
    }
  });
}
