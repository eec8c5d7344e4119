import type { Transaction } from 'kysely';
import type { Services } from '../platform/context.js';
import type { Executor } from '../platform/db/database.js';
import type { Database } from '../platform/db/schema.js';
import { newId } from '../platform/ids.js';
import { enqueueJob } from '../platform/jobs.js';
import type { OutboxEvent } from '../platform/outbox.js';
import type { Clock } from '../platform/time.js';
import { failedConditions, type RuleContext } from './conditions.js';
import { findContactRow, normalizeEmail, toContact, type ContactRow } from './contact-store.js';
import { findCustomerEventRow } from './customer-event-store.js';
import { TESTIMONIAL_TRIGGERS } from './rule-schema.js';
import {
  enabledRulesFor,
  type ActionEntry,
  type RuleRow,
  type RuleRunRow,
  type StoredRunContext,
} from './rule-store.js';
import type { RuleAction, RuleCondition } from './rule-schema.js';

export const RUN_RULES_JOB = 'automations.run_rules';
export const RUN_ACTION_JOB = 'automations.run_action';

/** What a rule run is for: a stored customer event, or a testimonial event from the outbox. */
export type RunSubject =
  | { workspaceId: string; subject: 'customer_event'; id: string }
  | {
      workspaceId: string;
      subject: 'event';
      id: string;
      type: string;
      data: Record<string, unknown>;
    };

export interface ActionJob {
  run_id: string;
  index: number;
}

export async function enqueueRuleRun(executor: Executor, clock: Clock, subject: RunSubject) {
  await enqueueJob(executor, clock, RUN_RULES_JOB, subject);
}

/**
 * Outbox subscriber: a testimonial event for which the workspace has an enabled rule gets
 * a rule run job, in the transaction that records the event.
 */
export function queueTestimonialRules(services: Services) {
  return async (trx: Transaction<Database>, event: OutboxEvent): Promise<void> => {
    if (!(TESTIMONIAL_TRIGGERS as readonly string[]).includes(event.type)) return;
    const rule = await trx
      .selectFrom('rules')
      .select('id')
      .where('workspace_id', '=', event.workspace_id)
      .where('trigger', '=', event.type)
      .where('enabled', '=', 1)
      .limit(1)
      .executeTakeFirst();
    if (!rule) return;
    await enqueueRuleRun(trx, services.clock, {
      workspaceId: event.workspace_id,
      subject: 'event',
      id: event.id,
      type: event.type,
      data: event.data,
    });
  };
}

function contactView(row: ContactRow | undefined) {
  if (!row) return null;
  const { id, email, name, company, external_id, attributes, unsubscribed } = toContact(row);
  return { id, email, name, company, external_id, attributes, unsubscribed };
}

interface LoadedSubject {
  trigger: string;
  subjectId: string;
  contactId: string | null;
  context: RuleContext;
}

async function contactOfTestimonial(
  executor: Executor,
  workspaceId: string,
  data: Record<string, unknown>,
) {
  if (typeof data.contact_id === 'string')
    return findContactRow(executor, workspaceId, data.contact_id);
  if (typeof data.author_email !== 'string') return undefined;
  return executor
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('email', '=', normalizeEmail(data.author_email))
    .executeTakeFirst();
}

async function loadSubject(
  executor: Executor,
  subject: RunSubject,
): Promise<LoadedSubject | undefined> {
  if (subject.subject === 'event') {
    const contact = await contactOfTestimonial(executor, subject.workspaceId, subject.data);
    return {
      trigger: subject.type,
      subjectId: subject.id,
      contactId: contact?.id ?? null,
      context: { type: subject.type, testimonial: subject.data, contact: contactView(contact) },
    };
  }
  const event = await findCustomerEventRow(executor, subject.workspaceId, 'id', subject.id);
  if (!event) return undefined;
  const contact = await findContactRow(executor, subject.workspaceId, event.contact_id);
  return {
    trigger: event.type,
    subjectId: event.id,
    contactId: event.contact_id,
    context: {
      type: event.type,
      occurred_at: event.occurred_at,
      event_id: event.external_id,
      properties: JSON.parse(event.properties) as Record<string, unknown>,
      contact: contactView(contact),
    },
  };
}

/** Records one rule's run for the subject (once: the pair is unique) and queues its actions. */
async function runRule(services: Services, rule: RuleRow, loaded: LoadedSubject): Promise<void> {
  await services.transaction(async (trx) => {
    const conditions = JSON.parse(rule.conditions) as RuleCondition[];
    const actions = JSON.parse(rule.actions) as RuleAction[];
    const failed = failedConditions(conditions, loaded.context);
    const matched = failed.length === 0;
    const nowMs = services.clock.nowMs();
    const nowIso = new Date(nowMs).toISOString();
    const entries: ActionEntry[] = matched
      ? actions.map((action) => ({
          action,
          status: 'pending',
          attempts: 0,
          detail: null,
          error: null,
          result: {},
          updated_at: nowIso,
        }))
      : [];
    const stored: StoredRunContext = { context: loaded.context, failed_conditions: failed };
    const row: RuleRunRow = {
      id: newId('ruleRun', nowMs),
      workspace_id: rule.workspace_id,
      rule_id: rule.id,
      trigger: loaded.trigger,
      subject_id: loaded.subjectId,
      contact_id: loaded.contactId,
      matched: matched ? 1 : 0,
      status: matched ? 'running' : 'no_match',
      context: JSON.stringify(stored),
      actions: JSON.stringify(entries),
      created_at: nowIso,
      updated_at: nowIso,
    };
    const inserted = await trx
      .insertInto('rule_runs')
      .values(row)
      .onConflict((oc) => oc.columns(['rule_id', 'subject_id']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return;
    for (const index of entries.keys()) {
      const job: ActionJob = { run_id: row.id, index };
      await enqueueJob(trx, services.clock, RUN_ACTION_JOB, job);
    }
  });
}

/** The rule run job: every enabled rule of the trigger, each in its own transaction. */
export async function runRules(services: Services, subject: RunSubject): Promise<void> {
  const loaded = await loadSubject(services.db.kysely, subject);
  if (!loaded) return;
  const rules = await enabledRulesFor(services.db.kysely, subject.workspaceId, loaded.trigger);
  for (const rule of rules) await runRule(services, rule, loaded);
}
