import type { Transaction } from 'kysely';
import type { Services } from '../platform/context.js';
import type { Database } from '../platform/db/schema.js';
import type { WebhookEndpoint } from './schema.js';

export const DISABLED_NOTICE_KIND = 'webhook_endpoint_disabled';

const REASONS: Record<string, string> = {
  gone: 'it answered 410 Gone, which says the endpoint no longer exists',
  failing: 'every delivery attempt to it failed for 5 days',
};

/**
 * The owners' addresses. Accounts has no query for them yet, so this reads its
 * memberships and users tables directly, and only here.
 */
async function ownerEmails(trx: Transaction<Database>, workspaceId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select('users.email')
    .where('memberships.workspace_id', '=', workspaceId)
    .where('memberships.role', '=', 'owner')
    .orderBy('users.email')
    .execute();
  return rows.map((row) => row.email);
}

function noticeText(endpoint: WebhookEndpoint, publicUrl: string): string {
  const reason = REASONS[endpoint.disabled_reason ?? ''] ?? 'it was disabled';
  return [
    `ShowTrust disabled your webhook endpoint ${endpoint.url} (${endpoint.id})`,
    `because ${reason}.`,
    '',
    'It receives nothing until you re-enable it. Its pending deliveries are kept and',
    'resume when you do; failed ones can be sent again with POST',
    `${publicUrl}/v1/webhook-endpoints/${endpoint.id}/recover.`,
    '',
    `Re-enable: PATCH ${publicUrl}/v1/webhook-endpoints/${endpoint.id} {"enabled": true}`,
  ].join('\n');
}

/**
 * Tells the workspace's owners that an endpoint was disabled, by email stored in the
 * disabling transaction (so it exists exactly when the disabling commits). A workspace
 * without owners (API keys only) gets a warning in the log instead.
 */
export async function notifyEndpointDisabled(
  trx: Transaction<Database>,
  services: Pick<Services, 'log' | 'mailer' | 'config'>,
  endpoint: WebhookEndpoint,
  workspaceId: string,
): Promise<number> {
  const owners = await ownerEmails(trx, workspaceId);
  if (owners.length === 0) {
    services.log.warn(
      { endpointId: endpoint.id, workspaceId },
      'webhook endpoint disabled with no owner to notify',
    );
    return 0;
  }

  const text = noticeText(endpoint, services.config.publicUrl);
  for (const to of owners) {
    const subject = `Webhook endpoint disabled: ${endpoint.url}`;
    await services.mailer.send({ workspaceId, to, subject, text, kind: DISABLED_NOTICE_KIND }, trx);
  }
  return owners.length;
}
