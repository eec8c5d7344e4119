import type { FastifyRequest } from 'fastify';
import type { Executor } from '../platform/db/database.js';
import { ID_PREFIXES, newId } from '../platform/ids.js';
import { maskSecrets } from '../platform/redact.js';
import { isoNow, type Clock } from '../platform/time.js';
import { insertAuditRow } from './store.js';

/** Who acted: a credential (its kind and id) or the command line on the server itself. */
export interface Actor {
  type: string;
  id: string | null;
}

export const CLI_ACTOR: Actor = { type: 'cli', id: null };

type DetailValue = string | number | boolean | null | readonly string[];

export interface AuditRecord {
  workspaceId: string;
  /** `<resource>.<verb>`, e.g. `api_key.created`, `testimonial.moderated`. */
  action: string;
  actor: Actor;
  target?: { type: string; id: string | null } | null;
  requestId?: string | null;
  ip?: string | null;
  /** Small, non-secret facts only: never a request body, never a key or token. */
  details?: Record<string, DetailValue>;
}

const KIND_BY_PREFIX = new Map<string, string>(
  Object.entries(ID_PREFIXES).map(([kind, prefix]) => [prefix, kind]),
);

/**
 * The actor of a credential id, typed by its prefix (`key_…` is an `api_key`, `oap_…` the
 * `oauth_app` whose token acted), so new kinds are named without this module knowing them.
 */
export function actorOfCredential(credentialId: string): Actor {
  const kind = KIND_BY_PREFIX.get(credentialId.split('_')[0] ?? '');
  const type = kind ? kind.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : 'credential';
  return { type, id: credentialId };
}

/** Where a request came from, for the entry it causes. */
export function requestOrigin(request: Pick<FastifyRequest, 'id' | 'ip'>) {
  return { requestId: request.id, ip: request.ip };
}

/**
 * Writes one audit entry with the caller's executor, so an action and its entry commit
 * together when the caller passes its transaction. Details pass through the same secret
 * masking as the logs, a last guard against a caller handing one in.
 */
export async function recordAudit(
  executor: Executor,
  clock: Clock,
  record: AuditRecord,
): Promise<string> {
  // Minted from the real time, not the injected clock: ids order the log as it was written.
  const id = newId('auditEntry');
  await insertAuditRow(executor, {
    id,
    workspace_id: record.workspaceId,
    action: record.action,
    actor_type: record.actor.type,
    actor_id: record.actor.id,
    target_type: record.target?.type ?? null,
    target_id: record.target?.id ?? null,
    request_id: record.requestId ?? null,
    ip: record.ip ?? null,
    details: maskSecrets(JSON.stringify(record.details ?? {})),
    created_at: isoNow(clock),
  });
  return id;
}
