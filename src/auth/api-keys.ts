import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { Services } from '../platform/context.js';
import type { Executor } from '../platform/db/database.js';
import { newId } from '../platform/ids.js';
import { isoNow } from '../platform/time.js';
import { actorOfCredential, recordAudit } from '../audit/service.js';

export const API_KEY_PREFIX = 'st_live_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_CHARS = 32; // 32 base62 characters carry about 190 bits
const CHECKSUM_CHARS = 6;
/** last_used_at is written at most this often per key, so reads do not become writes. */
const LAST_USED_RESOLUTION_MS = 60_000;
/** A refused key is audited at most this often, so a retry loop cannot flood the log. */
const REFUSAL_AUDIT_INTERVAL_MS = 60_000;

function toBase62(bytes: Buffer, length: number): string {
  let value = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  for (let i = 0; i < length; i++) {
    out = BASE62[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out;
}

function checksum(body: string): string {
  const sum = crc32(Buffer.from(body, 'utf8'));
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(sum);
  return toBase62(bytes, CHECKSUM_CHARS);
}

/** `st_live_` + 32 random base62 characters + a 6-character CRC-32 checksum. */
export function generateApiKey(): string {
  const body = toBase62(randomBytes(32), RANDOM_CHARS);
  return `${API_KEY_PREFIX}${body}${checksum(body)}`;
}

/** True when the key has our shape and its checksum matches: look-alikes fail without a query. */
export function hasValidChecksum(key: string): boolean {
  if (!key.startsWith(API_KEY_PREFIX)) return false;
  const rest = key.slice(API_KEY_PREFIX.length);
  if (rest.length !== RANDOM_CHARS + CHECKSUM_CHARS || !/^[0-9A-Za-z]+$/.test(rest)) return false;
  return checksum(rest.slice(0, RANDOM_CHARS)) === rest.slice(RANDOM_CHARS);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** What may be shown of a key once it has been created: prefix and last four. */
export function maskApiKey(key: string): string {
  return `${key.slice(0, API_KEY_PREFIX.length + 4)}…${key.slice(-4)}`;
}

export interface CreatedApiKey {
  id: string;
  secret: string;
}

export interface ApiKeyOptions {
  /** ISO 8601 time after which the key is refused; null or absent means it never expires. */
  expiresAt?: string | null;
}

export async function createApiKey(
  executor: Executor,
  services: Pick<Services, 'clock'>,
  workspaceId: string,
  name: string,
  scopes: string[],
  options: ApiKeyOptions = {},
): Promise<CreatedApiKey> {
  const secret = generateApiKey();
  const id = newId('apiKey');
  await executor
    .insertInto('api_keys')
    .values({
      id,
      workspace_id: workspaceId,
      name,
      key_hash: hashApiKey(secret),
      prefix: secret.slice(0, API_KEY_PREFIX.length + 4),
      last_four: secret.slice(-4),
      scopes: JSON.stringify(scopes),
      created_at: isoNow(services.clock),
      last_used_at: null,
      expires_at: options.expiresAt ?? null,
      revoked_at: null,
    })
    .execute();
  return { id, secret };
}

export interface Principal {
  workspaceId: string;
  keyId: string;
  scopes: string[];
}

/** Where the request that presented a key came from, for the audit entries it causes. */
export interface CredentialUse {
  requestId?: string;
  ip?: string;
}

type KeyRow = { id: string; workspace_id: string; last_used_at: string | null };

/**
 * Checks a presented key: our shape and checksum, a stored hash, not revoked, not
 * expired. A revoked or expired key is audited in its workspace (at most once a minute);
 * an unknown one has no workspace to tell, and is only logged by the request.
 */
export async function authenticateApiKey(
  services: Pick<Services, 'db' | 'clock'>,
  key: string,
  use: CredentialUse = {},
): Promise<Principal | undefined> {
  if (!hasValidChecksum(key)) return undefined;
  const row = await services.db.kysely
    .selectFrom('api_keys')
    .select(['id', 'workspace_id', 'scopes', 'last_used_at', 'expires_at', 'revoked_at'])
    .where('key_hash', '=', hashApiKey(key))
    .executeTakeFirst();
  if (!row) return undefined;

  const now = isoNow(services.clock);
  const expired = row.expires_at !== null && row.expires_at <= now;
  if (row.revoked_at || expired) {
    const principal = { workspaceId: row.workspace_id, keyId: row.id };
    await recordKeyRefusal(services, principal, { reason: expired ? 'expired' : 'revoked' }, use);
    return undefined;
  }

  await noteKeyUse(services, row, use);
  return { workspaceId: row.workspace_id, keyId: row.id, scopes: JSON.parse(row.scopes) };
}

/**
 * Keeps last_used_at to the minute, so reads do not become writes; the very first use is
 * claimed by a conditional update, so it is audited once however many servers see it.
 */
async function noteKeyUse(
  services: Pick<Services, 'db' | 'clock'>,
  row: KeyRow,
  use: CredentialUse,
): Promise<void> {
  const now = isoNow(services.clock);
  if (row.last_used_at === null) {
    await services.db.kysely.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('api_keys')
        .set({ last_used_at: now })
        .where('id', '=', row.id)
        .where('last_used_at', 'is', null)
        .executeTakeFirst();
      if (claimed.numUpdatedRows === 0n) return;
      await recordAudit(trx, services.clock, {
        workspaceId: row.workspace_id,
        action: 'api_key.first_used',
        actor: actorOfCredential(row.id),
        target: { type: 'api_key', id: row.id },
        ...use,
      });
    });
    return;
  }
  if (services.clock.nowMs() - Date.parse(row.last_used_at) > LAST_USED_RESOLUTION_MS) {
    await services.db.kysely
      .updateTable('api_keys')
      .set({ last_used_at: now })
      .where('id', '=', row.id)
      .execute();
  }
}

/**
 * Audits a refused use of a known key (revoked, expired, lacking a scope) in the key's
 * workspace. A key hammered in a loop writes one entry a minute, not one per request:
 * the conditional update on last_refused_at decides, across servers too.
 */
export async function recordKeyRefusal(
  services: Pick<Services, 'db' | 'clock'>,
  principal: Pick<Principal, 'workspaceId' | 'keyId'>,
  details: Record<string, string>,
  use: CredentialUse = {},
): Promise<void> {
  const nowMs = services.clock.nowMs();
  const quietSince = new Date(nowMs - REFUSAL_AUDIT_INTERVAL_MS).toISOString();
  await services.db.kysely.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('api_keys')
      .set({ last_refused_at: new Date(nowMs).toISOString() })
      .where('id', '=', principal.keyId)
      .where((eb) =>
        eb.or([eb('last_refused_at', 'is', null), eb('last_refused_at', '<=', quietSince)]),
      )
      .executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) return;
    await recordAudit(trx, services.clock, {
      workspaceId: principal.workspaceId,
      action: 'api_key.refused',
      actor: actorOfCredential(principal.keyId),
      target: { type: 'api_key', id: principal.keyId },
      details,
      ...use,
    });
  });
}
