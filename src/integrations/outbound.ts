import type { Dispatcher } from 'undici';
import { createGuardedAgent } from '../webhooks/guarded-agent.js';
import { isSuccessStatus, sendWebhook, type AttemptOutcome } from '../webhooks/sender.js';
import type { Services } from '../platform/context.js';

export const USER_AGENT = 'ShowTrust-Integrations/1';

/** What one call to another service came to, as a rule run records it. */
export interface CallResult {
  ok: boolean;
  /** Worth trying again later: no answer, 429 or 5xx. A 4xx is the service's final word. */
  retryable: boolean;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

export interface Outbound {
  postJson(url: string, headers: Record<string, string>, body: unknown): Promise<CallResult>;
}

function toResult(outcome: AttemptOutcome): CallResult {
  const ok = isSuccessStatus(outcome.statusCode);
  const status = outcome.statusCode;
  const retryable = !ok && (status === null || status === 429 || status >= 500);
  const error = ok ? null : (outcome.error ?? `HTTP ${status}`);
  return { ok, retryable, statusCode: status, error, responseExcerpt: outcome.responseExcerpt };
}

/**
 * Every call to Slack, HubSpot or a generic HTTP connection goes through the address-
 * guarded undici Agent of the webhooks (private addresses refused unless
 * WEBHOOKS_ALLOW_PRIVATE), with the webhook timeout, and never follows redirects.
 */
export function createOutbound(services: Services, dispatcher?: Dispatcher): Outbound {
  const { allowPrivate, timeoutMs } = services.config.webhooks;
  const agent = dispatcher ?? createGuardedAgent({ allowPrivate, connectTimeoutMs: timeoutMs });
  return {
    async postJson(url, headers, body) {
      const outcome = await sendWebhook(
        agent,
        {
          url,
          headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...headers },
          body: Buffer.from(JSON.stringify(body), 'utf8'),
        },
        timeoutMs,
      );
      return toResult(outcome);
    },
  };
}
