import type { Services } from '../platform/context.js';
import { notFound } from '../platform/errors.js';
import type { CreateHookInput, Hook } from './schema.js';
import { createEndpoint } from './service.js';
import { deleteEndpointRow, findEndpointRow } from './store.js';

/**
 * REST hooks (the subscription style of Zapier, Make and n8n): a hook is a webhook
 * endpoint of kind `hook` with a one-event filter. It is signed and retried like any
 * endpoint; a 410 from its target removes it (see endpoint-health.ts).
 */
export async function createHook(
  services: Services,
  workspaceId: string,
  input: CreateHookInput,
): Promise<Hook> {
  const endpoint = await createEndpoint(
    services,
    workspaceId,
    { url: input.target_url, events: [input.event], description: 'REST hook' },
    'hook',
  );
  return {
    id: endpoint.id,
    object: 'hook',
    target_url: endpoint.url,
    event: input.event,
    secret: endpoint.secret,
    created_at: endpoint.created_at,
  };
}

/** Unsubscribes; an id that is not a hook of this workspace is not found. */
export async function deleteHook(
  services: Services,
  workspaceId: string,
  id: string,
): Promise<Hook> {
  return services.transaction(async (trx) => {
    const row = await findEndpointRow(trx, workspaceId, id);
    if (!row || row.kind !== 'hook') throw notFound('hook');
    await deleteEndpointRow(trx, id);
    const [event = ''] = JSON.parse(row.events) as string[];
    return { id, object: 'hook', target_url: row.url, event, created_at: row.created_at };
  });
}
