import { recordAudit, type Actor } from '../audit/service.js';
import type { Services } from '../platform/context.js';
import { AppError, notFound, validationError } from '../platform/errors.js';
import { isoNow } from '../platform/time.js';
import { createApiKey, type CredentialUse } from './api-keys.js';
import type { ApiKey, CreateApiKeyInput, CreatedApiKeyResponse } from './api-keys-schema.js';
import { findApiKey, markRevoked } from './api-keys-store.js';
import { ALL_SCOPES } from './scopes.js';

/** Who asks for a change to keys: their workspace, what they may grant, and for the log who they are. */
export interface KeyAdmin {
  workspaceId: string;
  /** The scopes of the acting credential; undefined for the CLI, which may grant any. */
  heldScopes: readonly string[] | undefined;
  actor: Actor;
  use?: CredentialUse;
}

/** The scopes asked for that the acting credential does not hold itself. */
export function scopesBeyond(held: readonly string[], requested: readonly string[]): string[] {
  if (held.includes(ALL_SCOPES)) return [];
  return requested.filter((scope) => !held.includes(scope));
}

function checkExpiry(expiresAt: string | null | undefined, nowMs: number): string | null {
  if (expiresAt === undefined || expiresAt === null) return null;
  const ms = Date.parse(expiresAt);
  if (Number.isNaN(ms)) throw validationError('/expires_at', 'must be a date-time');
  if (ms <= nowMs) throw validationError('/expires_at', 'must be in the future');
  return new Date(ms).toISOString();
}

/**
 * Creates a key and its audit entry in one transaction. A credential can hand out only
 * scopes it holds, so a narrow key cannot mint a broader one.
 */
export async function issueApiKey(
  services: Services,
  admin: KeyAdmin,
  input: CreateApiKeyInput,
): Promise<CreatedApiKeyResponse> {
  const beyond = admin.heldScopes ? scopesBeyond(admin.heldScopes, input.scopes) : [];
  if (beyond.length > 0) {
    throw new AppError(
      'forbidden',
      `A credential can only grant scopes it holds; this one lacks: ${beyond.join(', ')}.`,
    );
  }
  const expiresAt = checkExpiry(input.expires_at, services.clock.nowMs());

  return services.transaction(async (trx) => {
    const { id, secret } = await createApiKey(
      trx,
      services,
      admin.workspaceId,
      input.name,
      input.scopes,
      { expiresAt },
    );
    await recordAudit(trx, services.clock, {
      workspaceId: admin.workspaceId,
      action: 'api_key.created',
      actor: admin.actor,
      target: { type: 'api_key', id },
      details: { name: input.name, scopes: input.scopes, expires_at: expiresAt },
      ...admin.use,
    });
    const created = (await findApiKey(trx, admin.workspaceId, id))!;
    return { ...created, secret };
  });
}

/**
 * Revokes a key at once: the next request with it is refused, on every server, since
 * each request reads the key's row. Revoking a revoked key changes nothing and logs nothing.
 */
export async function revokeApiKey(
  services: Services,
  admin: KeyAdmin,
  id: string,
): Promise<ApiKey> {
  return services.transaction(async (trx) => {
    const revoked = await markRevoked(trx, admin.workspaceId, id, isoNow(services.clock));
    const key = await findApiKey(trx, admin.workspaceId, id);
    if (!key) throw notFound('API key');
    if (revoked) {
      await recordAudit(trx, services.clock, {
        workspaceId: admin.workspaceId,
        action: 'api_key.revoked',
        actor: admin.actor,
        target: { type: 'api_key', id },
        details: { name: key.name },
        ...admin.use,
      });
    }
    return key;
  });
}
