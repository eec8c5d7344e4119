import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { Services } from '../platform/context.js';
import type { Executor } from '../platform/db/database.js';
import { newId } from '../platform/ids.js';
import { isoNow } from '../platform/time.js';

export const API_KEY_PREFIX = 'st_live_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_CHARS = 32; // 32 base62 characters carry about 190 bits
const CHECKSUM_CHARS = 6;
/** last_used_at is written at most this often per key, so reads do not become writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

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

export async function createApiKey(
  executor: Executor,
  services: Pick<Services, 'clock'>,
  workspaceId: string,
  name: string,
  scopes: string[],
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
      expires_at: null,
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

export async function authenticateApiKey(
  services: Pick<Services, 'db' | 'clock'>,
  key: string,
): Promise<Principal | undefined> {
  if (!hasValidChecksum(key)) return undefined;
  const row = await services.db.kysely
    .selectFrom('api_keys')
    .select(['id', 'workspace_id', 'scopes', 'last_used_at', 'expires_at', 'revoked_at'])
    .where('key_hash', '=', hashApiKey(key))
    .executeTakeFirst();
  const now = isoNow(services.clock);
  if (!row || row.revoked_at || (row.expires_at && row.expires_at <= now)) return undefined;

  const lastUsedMs = row.last_used_at ? Date.parse(row.last_used_at) : 0;
  if (services.clock.nowMs() - lastUsedMs > LAST_USED_RESOLUTION_MS) {
    await services.db.kysely
      .updateTable('api_keys')
      .set({ last_used_at: now })
      .where('id', '=', row.id)
      .execute();
  }
  return { workspaceId: row.workspace_id, keyId: row.id, scopes: JSON.parse(row.scopes) };
}
