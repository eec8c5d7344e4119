import type { Transaction } from 'kysely';
import type { Services } from '../platform/context.js';
import type { Database } from '../platform/db/schema.js';
import type { JobRetry } from '../platform/jobs.js';
import { updateTestimonial } from '../testimonials/service.js';
import { findTestimonial } from '../testimonials/store.js';
import { loadConnection, type LoadedConnection } from '../integrations/connection-store.js';
import { addHubspotNote, HUBSPOT_DEFAULT_BASE_URL } from '../integrations/hubspot.js';
import { renderJsonTemplate } from '../integrations/json-template.js';
import type { CallResult, Outbound } from '../integrations/outbound.js';
import { buildSlackMessage, type SlackTestimonial } from '../integrations/slack.js';
import { findContactRow } from './contact-store.js';
import { escapeHtml } from './review-email.js';
import { insertReviewRequest } from './review-request-service.js';
import { recentRequestTo } from './review-request-store.js';
import type { RuleAction } from './rule-schema.js';
import type { ActionEntry, RuleRunRow, StoredRunContext } from './rule-store.js';
import { updateActionEntry } from './run-record.js';
import { loadSettings } from './settings-store.js';
import { localDateAt } from './zoned-time.js';
import type { ActionJob } from './rule-engine.js';

/** Waits between tries of an action that failed for a reason that may pass; then it fails. */
export const ACTION_RETRY_DELAYS_MS = [10_000, 60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000];
export const DEFAULT_COOLDOWN_DAYS = 90;
const DAY_MS = 86_400_000;

type SendReviewRequest = Extract<RuleAction, { type: 'send_review_request' }>;

/** How an action ended: done (or knowingly skipped), or failed with or without hope. */
type Outcome =
  | { status: 'succeeded' | 'skipped'; detail: string; result?: Record<string, unknown> }
  | { status: 'failed'; error: string; retryable: boolean; result?: Record<string, unknown> };

interface ActionDeps {
  services: Services;
  outbound: Outbound;
}

interface RunView {
  row: RuleRunRow;
  stored: StoredRunContext;
}

function sendTime(action: SendReviewRequest, nowMs: number, timeZone: string): number {
  if (action.at_local_time === undefined) {
    const minutes = (action.delay_days ?? 0) * 1440 + (action.delay_minutes ?? 0);
    return nowMs + minutes * 60_000;
  }
  const at = localDateAt(nowMs, action.delay_days ?? 0, action.at_local_time, timeZone);
  // "Today at 09:00" when it is already 10:00 means tomorrow at 09:00.
  return at >= nowMs
    ? at
    : localDateAt(nowMs, (action.delay_days ?? 0) + 1, action.at_local_time, timeZone);
}

/**
 * Schedules a review request for the run's contact, in the same transaction that records
 * the action as done, so a retried job never makes a second one. The contact row is
 * locked first: two events of one contact cannot both pass the cooldown check.
 */
async function requestReview(
  services: Services,
  trx: Transaction<Database>,
  run: RunView,
  action: SendReviewRequest,
): Promise<Outcome> {
  const { workspace_id: workspaceId, contact_id: contactId } = run.row;
  if (!contactId) return { status: 'failed', error: 'the run has no contact', retryable: false };
  let lock = trx.selectFrom('contacts').select('id').where('id', '=', contactId);
  if (services.db.dialect === 'postgres') lock = lock.forUpdate();
  await lock.executeTakeFirst();
  const contact = await findContactRow(trx, workspaceId, contactId);
  if (!contact) return { status: 'skipped', detail: 'the contact was deleted' };
  if (contact.unsubscribed === 1)
    return { status: 'skipped', detail: 'the contact has unsubscribed' };

  const nowMs = services.clock.nowMs();
  const cooldownDays = action.cooldown_days ?? DEFAULT_COOLDOWN_DAYS;
  if (cooldownDays > 0) {
    const since = new Date(nowMs - cooldownDays * DAY_MS).toISOString();
    const recent = await recentRequestTo(trx, contactId, since);
    if (recent) {
      return {
        status: 'skipped',
        detail: `cooldown: ${recent.id} was made ${recent.created_at}, within ${cooldownDays} days`,
        result: { review_request_id: recent.id },
      };
    }
  }

  const settings = await loadSettings(trx, workspaceId);
  const row = await insertReviewRequest(trx, services, {
    workspaceId,
    contactId,
    formId: action.form_id,
    ruleId: run.row.rule_id,
    sendAtMs: sendTime(action, nowMs, settings.time_zone),
    reminderAfterDays: action.reminder_after_days ?? null,
  });
  return {
    status: 'succeeded',
    detail: `review request ${row.id} scheduled for ${row.send_at}`,
    result: { review_request_id: row.id },
  };
}

async function addTags(services: Services, run: RunView, tags: string[]): Promise<Outcome> {
  const testimonial = run.stored.context.testimonial as { id?: string } | undefined;
  if (!testimonial?.id)
    return { status: 'failed', error: 'no testimonial to tag', retryable: false };
  const current = await findTestimonial(services.db.kysely, run.row.workspace_id, testimonial.id);
  if (!current) return { status: 'skipped', detail: 'the testimonial was deleted' };
  const missing = tags.filter((tag) => !current.tags.includes(tag));
  if (missing.length === 0) return { status: 'succeeded', detail: 'tags already present' };
  await updateTestimonial(services, run.row.workspace_id, current.id, {
    tags: [...current.tags, ...missing],
  });
  return { status: 'succeeded', detail: `added ${missing.join(', ')}` };
}

function fromCall(call: CallResult, what: string): Outcome {
  const result = { status_code: call.statusCode, response: call.responseExcerpt };
  if (call.ok) return { status: 'succeeded', detail: `${what} (HTTP ${call.statusCode})`, result };
  return { status: 'failed', error: call.error ?? 'failed', retryable: call.retryable, result };
}

function testimonialOf(run: RunView): (SlackTestimonial & { created_at?: string }) | undefined {
  const value = run.stored.context.testimonial as SlackTestimonial | undefined;
  return value && typeof value.id === 'string' ? value : undefined;
}

function segmentOf(run: RunView): string | null {
  const contact = run.stored.context.contact as { attributes?: Record<string, unknown> } | null;
  const attributes = contact?.attributes ?? {};
  const value = attributes.segment ?? attributes.plan ?? attributes.product;
  return value === undefined || value === null ? null : String(value);
}

function hubspotNoteBody(testimonial: SlackTestimonial, link: string): string {
  const rating = testimonial.rating === null ? 'no rating' : `${testimonial.rating}/5`;
  const who = [testimonial.author_name, testimonial.author_title, testimonial.author_company]
    .filter(Boolean)
    .join(', ');
  return (
    `<p><strong>Testimonial (${rating})${testimonial.verified ? ', verified customer' : ''}</strong></p>` +
    `<p>${escapeHtml(testimonial.text)}</p><p>— ${escapeHtml(who)}</p>` +
    `<p><a href="${escapeHtml(link)}">View in ShowTrust</a></p>`
  );
}

async function callConnection(
  deps: ActionDeps,
  run: RunView,
  action: Extract<RuleAction, { type: 'notify_slack' | 'push_to_crm' }>,
): Promise<Outcome> {
  const { services, outbound } = deps;
  const connection = await loadConnection(
    services.db.kysely,
    services.secrets,
    run.row.workspace_id,
    action.connection_id,
  );
  if (!connection)
    return { status: 'failed', error: 'the connection was deleted', retryable: false };
  const testimonial = testimonialOf(run);
  const link = testimonial ? `${services.config.publicUrl}/v1/testimonials/${testimonial.id}` : '';

  if (connection.kind === 'http') return postTemplate(outbound, connection, run, link);
  if (!testimonial) return { status: 'failed', error: 'no testimonial to send', retryable: false };
  if (connection.kind === 'slack') {
    const message = buildSlackMessage({ testimonial, segment: segmentOf(run), link });
    return fromCall(
      await outbound.postJson(connection.secrets.webhook_url!, {}, message),
      'posted to Slack',
    );
  }
  const contact = run.stored.context.contact as {
    email?: string;
    external_id?: string | null;
  } | null;
  const email = contact?.email ?? (testimonial as { author_email?: string }).author_email;
  if (!email)
    return { status: 'failed', error: 'no email to find the HubSpot contact by', retryable: false };
  const externalId = contact?.external_id ?? null;
  const call = await addHubspotNote(
    outbound,
    {
      baseUrl: connection.settings.base_url ?? HUBSPOT_DEFAULT_BASE_URL,
      accessToken: connection.secrets.access_token!,
    },
    {
      email,
      hubspotContactId: externalId && /^\d+$/.test(externalId) ? externalId : null,
      body: hubspotNoteBody(testimonial, link),
      timestampIso: testimonial.created_at ?? new Date(services.clock.nowMs()).toISOString(),
    },
  );
  return fromCall(call, 'note added in HubSpot');
}

async function postTemplate(
  outbound: Outbound,
  connection: LoadedConnection,
  run: RunView,
  link: string,
): Promise<Outcome> {
  const context = { ...run.stored.context, link, rule_id: run.row.rule_id, run_id: run.row.id };
  const body = renderJsonTemplate(connection.settings.body_template ?? null, context);
  const call = await outbound.postJson(
    connection.settings.url!,
    connection.secrets.headers ?? {},
    body,
  );
  return fromCall(call, `posted to ${connection.name}`);
}

async function loadRun(services: Services, runId: string): Promise<RunView | undefined> {
  const row = await services.db.kysely
    .selectFrom('rule_runs')
    .selectAll()
    .where('id', '=', runId)
    .executeTakeFirst();
  if (!row) return undefined;
  return { row, stored: JSON.parse(row.context) as StoredRunContext };
}

/** Writes how an attempt went; returns the retry time when the action should try again. */
async function record(
  services: Services,
  trx: Transaction<Database>,
  job: ActionJob,
  entry: ActionEntry,
  outcome: Outcome,
): Promise<JobRetry | void> {
  const nowMs = services.clock.nowMs();
  const nowIso = new Date(nowMs).toISOString();
  const attempts = entry.attempts + 1;
  const result = outcome.result ?? {};
  if (outcome.status !== 'failed') {
    const done = { status: outcome.status, detail: outcome.detail, error: null, attempts, result };
    await updateActionEntry(services.db, trx, job.run_id, job.index, done, nowIso);
    return;
  }
  const delayMs = outcome.retryable ? ACTION_RETRY_DELAYS_MS[attempts - 1] : undefined;
  const status = delayMs === undefined ? 'failed' : 'pending';
  const changes = { status, error: outcome.error, attempts, result } as const;
  await updateActionEntry(services.db, trx, job.run_id, job.index, changes, nowIso);
  if (delayMs !== undefined) return { retryAtMs: nowMs + delayMs };
}

/** The action job: one action of one run. Others of the run and of other runs go on regardless. */
export async function runAction(deps: ActionDeps, job: ActionJob): Promise<JobRetry | void> {
  const { services } = deps;
  const run = await loadRun(services, job.run_id);
  const entries = run ? (JSON.parse(run.row.actions) as ActionEntry[]) : [];
  const entry = entries[job.index];
  if (!run || !entry || entry.status !== 'pending') return;
  const { action } = entry;

  if (action.type === 'send_review_request') {
    return services.transaction(async (trx) => {
      const outcome = await requestReview(services, trx, run, action);
      return record(services, trx, job, entry, outcome);
    });
  }
  let outcome: Outcome;
  try {
    outcome =
      action.type === 'add_tags'
        ? await addTags(services, run, action.tags)
        : await callConnection(deps, run, action);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    outcome = { status: 'failed', error: message, retryable: true };
  }
  const retry = await services.transaction((trx) => record(services, trx, job, entry, outcome));
  if (outcome.status === 'failed') {
    const fields = {
      runId: job.run_id,
      action: action.type,
      attempt: entry.attempts + 1,
      retry: Boolean(retry),
    };
    services.log.warn(
      { ...fields, error: outcome.error },
      retry ? 'rule action retry' : 'rule action failed',
    );
  }
  return retry;
}
