import { parseArgs } from 'node:util';
import { isScope } from '../auth/scopes.js';
import { GRANT_TYPES, type CreateOAuthAppInput, type GrantType } from '../oauth/apps-schema.js';
import { createApp } from '../oauth/apps-service.js';
import { listAppRows, toOAuthApp } from '../oauth/apps-store.js';
import { asUsage, withServices, workspaceFor } from './cli-services.js';
import { UsageError } from './usage-error.js';

export const OAUTH_APPS_USAGE = `usage:
  showtrust oauth-apps create --name NAME --scopes a,b [--redirect-uri URL ...]
                              [--grant-types authorization_code,refresh_token,client_credentials]
                              [--public] [--workspace ID]
  showtrust oauth-apps list [--workspace ID]`;

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function parseCreate(args: string[]): CreateOAuthAppInput & { workspace?: string } {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      scopes: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'grant-types': { type: 'string' },
      public: { type: 'boolean' },
      workspace: { type: 'string' },
    },
    strict: true,
  });
  if (!values.name?.trim()) throw new UsageError(`--name is required\n${OAUTH_APPS_USAGE}`);
  const scopes = list(values.scopes);
  const badScopes = scopes.filter((s) => !isScope(s) || s === '*');
  if (scopes.length === 0 || badScopes.length > 0) {
    throw new UsageError(`--scopes needs known scopes (got: ${badScopes.join(', ') || 'none'})`);
  }
  const grantTypes = values['grant-types'] ? list(values['grant-types']) : undefined;
  const badGrants = (grantTypes ?? []).filter(
    (g) => !(GRANT_TYPES as readonly string[]).includes(g),
  );
  if (badGrants.length > 0) throw new UsageError(`unknown grant type(s): ${badGrants.join(', ')}`);
  return {
    name: values.name.trim(),
    scopes: scopes as CreateOAuthAppInput['scopes'],
    redirect_uris: values['redirect-uri'] ?? [],
    ...(grantTypes ? { grant_types: grantTypes as GrantType[] } : {}),
    client_type: values.public ? 'public' : 'confidential',
    ...(values.workspace ? { workspace: values.workspace } : {}),
  };
}

/** `showtrust oauth-apps create|list`: register an app (its secret printed once) or list them. */
export async function oauthAppsCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action === 'create') {
    const { workspace, ...input } = parseCreate(rest);
    await withServices(async (services) => {
      const workspaceId = await workspaceFor(services, workspace);
      const app = await asUsage(() => createApp(services, workspaceId, input));
      const lines = [`client_id: ${app.client_id}`];
      if (app.client_secret) lines.push(`client_secret (shown once): ${app.client_secret}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
    return;
  }
  if (action === 'list') {
    const { values } = parseArgs({ args: rest, options: { workspace: { type: 'string' } } });
    await withServices(async (services) => {
      const workspaceId = await workspaceFor(services, values.workspace);
      let startingAfter: string | undefined;
      for (;;) {
        const page = await listAppRows(services.db.kysely, workspaceId, {
          limit: 100,
          ...(startingAfter ? { starting_after: startingAfter } : {}),
        });
        for (const app of page.rows.map(toOAuthApp)) {
          const columns = [
            app.id,
            app.client_type,
            app.grant_types.join(','),
            app.scopes.join(','),
          ];
          process.stdout.write(`${[...columns, app.name].join('\t')}\n`);
        }
        startingAfter = page.rows.at(-1)?.id;
        if (!page.has_more || !startingAfter) return;
      }
    });
    return;
  }
  throw new UsageError(OAUTH_APPS_USAGE);
}
