import type { Services } from '../platform/context.js';
import { notFound, validationError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { validateEndpointUrl } from '../webhooks/url-policy.js';
import type {
  Connection,
  ConnectionKind,
  CreateConnectionInput,
  UpdateConnectionInput,
} from './connection-schema.js';
import {
  decryptSecrets,
  findConnectionRow,
  toConnection,
  type ConnectionSecrets,
  type ConnectionSettings,
} from './connection-store.js';
import { HUBSPOT_DEFAULT_BASE_URL } from './hubspot.js';

const FIELDS_BY_KIND: Record<ConnectionKind, string[]> = {
  slack: ['name', 'webhook_url', 'channel'],
  hubspot: ['name', 'access_token', 'base_url'],
  http: ['name', 'url', 'headers', 'body_template'],
};
const MAX_TEMPLATE_BYTES = 16 * 1024;

interface Split {
  settings: ConnectionSettings;
  secrets: ConnectionSecrets;
}

function checkUrl(services: Services, field: string, raw: string): string {
  try {
    return validateEndpointUrl(raw, services.config.webhooks);
  } catch {
    // The policy's message names `/url`; name the field that was sent.
    const { allowHttp } = services.config.webhooks;
    throw validationError(
      `/${field}`,
      `must be an ${allowHttp ? 'http(s)' : 'https'} URL of a public host, without credentials`,
    );
  }
}

/** Applies a create or update body to a kind's settings and secrets, checking each field. */
function applyFields(
  services: Services,
  kind: ConnectionKind,
  current: Split,
  input: Partial<Record<string, unknown>>,
): Split {
  for (const key of Object.keys(input)) {
    if (key !== 'kind' && !FIELDS_BY_KIND[kind].includes(key)) {
      throw validationError(`/${key}`, `is not a setting of a ${kind} connection`);
    }
  }
  const settings = { ...current.settings };
  const secrets = { ...current.secrets };
  if (typeof input.webhook_url === 'string') {
    secrets.webhook_url = checkUrl(services, 'webhook_url', input.webhook_url);
  }
  if (typeof input.channel === 'string') settings.channel = input.channel;
  if (typeof input.access_token === 'string') secrets.access_token = input.access_token;
  if (typeof input.base_url === 'string') {
    settings.base_url = checkUrl(services, 'base_url', input.base_url);
  }
  if (typeof input.url === 'string') settings.url = checkUrl(services, 'url', input.url);
  if (input.headers) {
    secrets.headers = input.headers as Record<string, string>;
    settings.header_names = Object.keys(secrets.headers);
  }
  if ('body_template' in input) {
    if (Buffer.byteLength(JSON.stringify(input.body_template ?? null)) > MAX_TEMPLATE_BYTES) {
      throw validationError('/body_template', `must be at most ${MAX_TEMPLATE_BYTES} bytes`);
    }
    settings.body_template = input.body_template;
  }
  if (kind === 'hubspot') settings.base_url ??= HUBSPOT_DEFAULT_BASE_URL;
  return { settings, secrets };
}

export async function createConnection(
  services: Services,
  workspaceId: string,
  input: CreateConnectionInput,
): Promise<Connection> {
  const { settings, secrets } = applyFields(
    services,
    input.kind,
    { settings: {}, secrets: {} },
    input,
  );
  const now = new Date(services.clock.nowMs()).toISOString();
  const row = {
    id: newId('connection', services.clock.nowMs()),
    workspace_id: workspaceId,
    kind: input.kind,
    name: input.name.trim(),
    settings: JSON.stringify(settings),
    secret_encrypted: services.secrets.encrypt(JSON.stringify(secrets)),
    created_at: now,
    updated_at: now,
  };
  await services.db.kysely.insertInto('connections').values(row).execute();
  return toConnection(row, secrets);
}

export async function updateConnection(
  services: Services,
  workspaceId: string,
  id: string,
  input: UpdateConnectionInput,
): Promise<Connection> {
  return services.transaction(async (trx) => {
    const row = await findConnectionRow(trx, workspaceId, id);
    if (!row) throw notFound('connection');
    const kind = row.kind as ConnectionKind;
    const current = {
      settings: JSON.parse(row.settings) as ConnectionSettings,
      secrets: decryptSecrets(services.secrets, row),
    };
    const { settings, secrets } = applyFields(services, kind, current, input);
    const changes = {
      name: input.name?.trim() ?? row.name,
      settings: JSON.stringify(settings),
      secret_encrypted: services.secrets.encrypt(JSON.stringify(secrets)),
      updated_at: new Date(services.clock.nowMs()).toISOString(),
    };
    await trx.updateTable('connections').set(changes).where('id', '=', id).execute();
    return toConnection({ ...row, ...changes }, secrets);
  });
}

export async function deleteConnection(
  services: Services,
  workspaceId: string,
  id: string,
): Promise<Connection> {
  const row = await findConnectionRow(services.db.kysely, workspaceId, id);
  if (!row) throw notFound('connection');
  await services.db.kysely.deleteFrom('connections').where('id', '=', id).execute();
  return toConnection(row, decryptSecrets(services.secrets, row));
}
