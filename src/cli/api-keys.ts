import { parseArgs } from 'node:util';
import { createApiKey } from '../auth/api-keys.js';
import { ALL_SCOPES, isScope } from '../auth/scopes.js';
import { parseConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { createServices } from '../platform/services.js';
import { firstWorkspaceId } from '../workspaces/store.js';
import { UsageError } from './usage-error.js';

/** `showtrust api-keys create`: the new secret is the only line on stdout. */
export async function apiKeysCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action !== 'create')
    throw new UsageError(
      'usage: showtrust api-keys create --name NAME [--scopes a,b] [--workspace ID]',
    );
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      scopes: { type: 'string' },
      workspace: { type: 'string' },
    },
    strict: true,
  });
  if (!values.name?.trim()) throw new UsageError('--name is required');
  const scopes = (values.scopes ?? ALL_SCOPES)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = scopes.filter((s) => !isScope(s));
  if (unknown.length > 0 || scopes.length === 0) {
    throw new UsageError(`unknown scope(s): ${unknown.join(', ') || '(none given)'}`);
  }

  const config = parseConfig();
  const services = await createServices(config, {
    log: createLogger(config.logLevel, process.stderr),
  });
  try {
    const workspaceId = values.workspace ?? (await firstWorkspaceId(services.db.kysely));
    if (!workspaceId)
      throw new UsageError(
        'no workspace yet: run `showtrust serve` once first, or pass --workspace',
      );
    const exists = await services.db.kysely
      .selectFrom('workspaces')
      .select('id')
      .where('id', '=', workspaceId)
      .executeTakeFirst();
    if (!exists) throw new UsageError(`no workspace with id ${workspaceId}`);
    const key = await createApiKey(
      services.db.kysely,
      services,
      workspaceId,
      values.name.trim(),
      scopes,
    );
    process.stdout.write(`${key.secret}\n`);
  } finally {
    await services.db.close();
  }
}
