import type { Services } from '../platform/context.js';
import type { Executor } from '../platform/db/database.js';
import { notFound, validationError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { findFormRow } from '../forms/store.js';
import { findConnectionRow } from '../integrations/connection-store.js';
import {
  TESTIMONIAL_TRIGGERS,
  type CreateRuleInput,
  type Rule,
  type RuleAction,
  type RuleCondition,
  type UpdateRuleInput,
} from './rule-schema.js';
import { findRuleRow, toRule, type RuleRow } from './rule-store.js';

export function isTestimonialTrigger(trigger: string): boolean {
  return (TESTIMONIAL_TRIGGERS as readonly string[]).includes(trigger);
}

function checkConditions(trigger: string, conditions: RuleCondition[]): void {
  const onTestimonial = isTestimonialTrigger(trigger);
  conditions.forEach((condition, i) => {
    const root = condition.field.split('.')[0];
    const eventOnly = root === 'properties' || root === 'type' || root === 'occurred_at';
    if (onTestimonial && eventOnly) {
      throw validationError(
        `/conditions/${i}/field`,
        `is a customer event field; ${trigger} has none`,
      );
    }
    if (!onTestimonial && root === 'testimonial') {
      throw validationError(`/conditions/${i}/field`, 'needs a testimonial trigger');
    }
    const needsValue = condition.op !== 'exists' && condition.op !== 'not_exists';
    if (needsValue && condition.value === undefined) {
      throw validationError(`/conditions/${i}/value`, `is required for "${condition.op}"`);
    }
    if (condition.op === 'in' && !Array.isArray(condition.value)) {
      throw validationError(`/conditions/${i}/value`, 'must be a list for "in"');
    }
    const items = Array.isArray(condition.value) ? condition.value : [condition.value];
    const scalar = (v: unknown) =>
      v === undefined ||
      v === null ||
      typeof v === 'boolean' ||
      (typeof v === 'number' && Number.isFinite(v)) ||
      (typeof v === 'string' && v.length <= 500);
    if (items.length > 50 || !items.every(scalar)) {
      throw validationError(
        `/conditions/${i}/value`,
        'must be a string, number, boolean or null, or a list of them',
      );
    }
  });
}

async function checkAction(
  executor: Executor,
  workspaceId: string,
  trigger: string,
  action: RuleAction,
  at: string,
): Promise<void> {
  const onTestimonial = isTestimonialTrigger(trigger);
  if (action.type === 'send_review_request') {
    if (onTestimonial) throw validationError(`${at}/type`, 'needs a customer event trigger');
    const form = await findFormRow(executor, workspaceId, action.form_id);
    if (!form) throw validationError(`${at}/form_id`, 'is not a form of this workspace');
    if (action.at_local_time !== undefined && action.delay_minutes !== undefined) {
      throw validationError(`${at}/at_local_time`, 'cannot be combined with delay_minutes');
    }
    return;
  }
  if (action.type === 'add_tags') {
    if (!onTestimonial) throw validationError(`${at}/type`, 'needs a testimonial trigger');
    return;
  }

  const connection = await findConnectionRow(executor, workspaceId, action.connection_id);
  if (!connection)
    throw validationError(`${at}/connection_id`, 'is not a connection of this workspace');
  const allowed = action.type === 'notify_slack' ? ['slack'] : ['hubspot', 'http'];
  if (!allowed.includes(connection.kind)) {
    throw validationError(`${at}/connection_id`, `must be a ${allowed.join(' or ')} connection`);
  }
  if (connection.kind !== 'http' && !onTestimonial) {
    throw validationError(`${at}/type`, `a ${connection.kind} message needs a testimonial trigger`);
  }
}

async function checkRule(
  executor: Executor,
  workspaceId: string,
  rule: { trigger: string; conditions: RuleCondition[]; actions: RuleAction[] },
): Promise<void> {
  if (rule.trigger.startsWith('testimonial.') && !isTestimonialTrigger(rule.trigger)) {
    throw validationError('/trigger', `must be one of ${TESTIMONIAL_TRIGGERS.join(', ')}`);
  }
  checkConditions(rule.trigger, rule.conditions);
  for (const [i, action] of rule.actions.entries()) {
    await checkAction(executor, workspaceId, rule.trigger, action, `/actions/${i}`);
  }
}

export async function createRule(
  services: Services,
  workspaceId: string,
  input: CreateRuleInput,
): Promise<Rule> {
  const conditions = input.conditions ?? [];
  await checkRule(services.db.kysely, workspaceId, { ...input, conditions });
  const now = new Date(services.clock.nowMs()).toISOString();
  const row: RuleRow = {
    id: newId('rule', services.clock.nowMs()),
    workspace_id: workspaceId,
    name: input.name.trim(),
    trigger: input.trigger,
    conditions: JSON.stringify(conditions),
    actions: JSON.stringify(input.actions),
    enabled: input.enabled === false ? 0 : 1,
    created_at: now,
    updated_at: now,
  };
  await services.db.kysely.insertInto('rules').values(row).execute();
  return toRule(row);
}

export async function updateRule(
  services: Services,
  workspaceId: string,
  id: string,
  input: UpdateRuleInput,
): Promise<Rule> {
  return services.transaction(async (trx) => {
    const row = await findRuleRow(trx, workspaceId, id);
    if (!row) throw notFound('rule');
    const next = {
      trigger: input.trigger ?? row.trigger,
      conditions: input.conditions ?? (JSON.parse(row.conditions) as RuleCondition[]),
      actions: input.actions ?? (JSON.parse(row.actions) as RuleAction[]),
    };
    await checkRule(trx, workspaceId, next);
    const changes = {
      name: input.name?.trim() ?? row.name,
      trigger: next.trigger,
      conditions: JSON.stringify(next.conditions),
      actions: JSON.stringify(next.actions),
      enabled: input.enabled === undefined ? row.enabled : input.enabled ? 1 : 0,
      updated_at: new Date(services.clock.nowMs()).toISOString(),
    };
    await trx.updateTable('rules').set(changes).where('id', '=', id).execute();
    return toRule({ ...row, ...changes });
  });
}

export async function deleteRule(
  services: Services,
  workspaceId: string,
  id: string,
): Promise<Rule> {
  return services.transaction(async (trx) => {
    const row = await findRuleRow(trx, workspaceId, id);
    if (!row) throw notFound('rule');
    await trx.deleteFrom('rule_runs').where('rule_id', '=', id).execute();
    await trx.deleteFrom('rules').where('id', '=', id).execute();
    return toRule(row);
  });
}
