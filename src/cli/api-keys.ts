import { parseArgs } from 'node:util';
import { CLI_ACTOR } from '../audit/service.js';
import { revokeApiKey, issueApiKey, type KeyAdmin } from '../auth/api-keys-service.js';
import { listApiKeys } from '../auth/api-keys-store.js';
import type { ApiKey } from '../auth/api-keys-schema.js';
import { ALL_SCOPES, isScope } from '../auth/scopes.js';
import { parseConfig } from '../platform/config.js';
import type { Services } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { createLogger } from '../platform/logger.js';
import { createServices } from '../platform/services.js';
import { firstWorkspaceId } from '../workspaces/store.js';
import { UsageError } from './usage-error.js';

export const API_KEYS_USAGE = `usage:
  showtrust api-keys create --name NAME [--scopes a,b] [--expires-at ISO-8601] [--workspace ID]
  showtrust api-keys list [--workspace ID]
  showtrust api-keys revoke KEY_ID [--workspace ID]`;

const WORKSPACE_OPTION = { workspace: { type: 'string' } } as const;

function parseScopes(raw: string | undefined): string[] {
  const scopes = (raw ?? ALL_SCOPES)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = scopes.filter((s) => !isScope(s));
  if (unknown.length > 0 || scopes.length === 0) {
    throw new UsageError(`unknown scope(s): ${unknown.join(', ') || '(none given)'}`);
  }
  return [...new Set(scopes)];
}

/** Opens the server's storage (logs to stderr, so stdout holds only the command's output). */
async function withServices(fn: (services: Services) => Promise<void>): Promise<void> {
  const config = parseConfig();
  const services = await createServices(config, {
    log: createLogger(config.logLevel, process.stderr),
  });
  try {
    await fn(services);
  } finally {
    await services.db.close();
    await services.rateLimits.close();
  }
}

async function resolveWorkspace(services: Services, given: string | undefined): Promise<KeyAdmin> {
  const workspaceId = given ?? (await firstWorkspaceId(services.db.kysely));
  if (!workspaceId) {
    throw new UsageError('no workspace yet: run `showtrust serve` once first, or pass --workspace');
  }
  const exists = await services.db.kysely
    .selectFrom('workspaces')
    .select('id')
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  if (!exists) throw new UsageError(`no workspace with id ${workspaceId}`);
  // The CLI runs on the server with its storage: it may grant any scope.
  return { workspaceId, heldScopes: undefined, actor: CLI_ACTOR };
}

/** An AppError from the service (a bad expiry, an unknown id) is the user's to fix. */
async function asUsage<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AppError && error.status < 500) {
      throw new UsageError(error.message.replace('/expires_at', '--expires-at'));
    }
    throw error;
  }
}

async function createCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      scopes: { type: 'string' },
      'expires-at': { type: 'string' },
      ...WORKSPACE_OPTION,
    },
    strict: true,
  });
  const name = values.name?.trim();
  if (!name) throw new UsageError('--name is required');
  const scopes = parseScopes(values.scopes);

  await withServices(async (services) => {
    const admin = await resolveWorkspace(services, values.workspace);
    const input = { name, scopes, expires_at: values['expires-at'] ?? null };
    const key = await asUsage(() => issueApiKey(services, admin, input));
    process.stdout.write(`${key.secret}\n`);
  });
}

function formatKey(key: ApiKey): string {
  const state = key.revoked_at
    ? `revoked ${key.revoked_at}`
    : key.expires_at
      ? `expires ${key.expires_at}`
      : 'active';
  return [
    key.id,
    `${key.prefix}…${key.last_four}`,
    key.name,
    key.scopes.join(','),
    `created ${key.created_at}`,
    `last used ${key.last_used_at ?? 'never'}`,
    state,
  ].join('\t');
}

/** One tab-separated line per key, newest first: never a secret, only prefix and last four. */
async function listCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: WORKSPACE_OPTION, strict: true });
  await withServices(async (services) => {
    const { workspaceId } = await resolveWorkspace(services, values.workspace);
    let cursor: string | undefined;
    for (;;) {
      const page = await listApiKeys(services.db.kysely, workspaceId, {
        limit: 100,
        starting_after: cursor,
      });
      for (const key of page.data) process.stdout.write(`${formatKey(key)}\n`);
      if (!page.has_more) return;
      cursor = page.data.at(-1)!.id;
    }
  });
}

async function revokeCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: WORKSPACE_OPTION,
    allowPositionals: true,
    strict: true,
  });
  const [id, ...extra] = positionals;
  if (!id || extra.length > 0) throw new UsageError(API_KEYS_USAGE);
  await withServices(async (services) => {
    const admin = await resolveWorkspace(services, values.workspace);
    const key = await asUsage(() => revokeApiKey(services, admin, id));
    process.stdout.write(`revoked ${key.id} at ${key.revoked_at}\n`);
  });
}

/** `showtrust api-keys create|list|revoke`: create prints the new secret as its only stdout line. */
export async function apiKeysCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action === 'create') return createCommand(rest);
  if (action === 'list') return listCommand(rest);
  if (action === 'revoke') return revokeCommand(rest);
  throw new UsageError(API_KEYS_USAGE);
}
