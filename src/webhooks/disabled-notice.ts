import type { Transaction } from 'kysely';
import type { Services } from '../platform/context.js';
import type { Database } from '../platform/db/schema.js';
import type { WebhookEndpoint } from './schema.js';

/** Tells the workspace's owners that an endpoint was disabled, in the disabling transaction. */
export async function notifyEndpointDisabled(
  _trx: Transaction<Database>,
  services: Pick<Services, 'log'>,
  endpoint: WebhookEndpoint,
): Promise<void> {
  services.log.warn(
    { endpointId: endpoint.id, reason: endpoint.disabled_reason },
    'webhook endpoint disabled with no owner to notify',
  );
}
