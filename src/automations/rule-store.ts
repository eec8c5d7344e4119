import type { Selectable } from 'kysely';
import type { Executor } from '../platform/db/database.js';
import type { RuleRunTable, RuleTable } from '../platform/db/schema.js';
import { validationError } from '../platform/errors.js';
import type { RuleContext } from './conditions.js';
import {
  REVIEW_GATING_WARNING,
  type Rule,
  type RuleAction,
  type RuleCondition,
  type RuleRun,
} from './rule-schema.js';

export type RuleRow = Selectable<RuleTable>;
export type RuleRunRow = Selectable<RuleRunTable>;

/** A run's record of one action: the action as the rule held it then, and how it went. */
export interface ActionEntry {
  action: RuleAction;
  status: RuleRun['actions'][number]['status'];
  attempts: number;
  detail: string | null;
  error: string | null;
  result: Record<string, unknown>;
  updated_at: string;
}

export interface StoredRunContext {
  context: RuleContext;
  failed_conditions: RuleCondition[];
}

/** Asking only those who pass a score or rating check is gating; say so on the rule. */
export function ruleWarnings(conditions: RuleCondition[], actions: RuleAction[]): string[] {
  const asks = actions.some((a) => a.type === 'send_review_request');
  const gates = conditions.some(
    (c) => c.field.startsWith('properties.') || c.field === 'testimonial.rating',
  );
  return asks && gates ? [REVIEW_GATING_WARNING] : [];
}

export function toRule(row: RuleRow): Rule {
  const conditions = JSON.parse(row.conditions) as RuleCondition[];
  const actions = JSON.parse(row.actions) as RuleAction[];
  return {
    id: row.id,
    object: 'rule',
    name: row.name,
    trigger: row.trigger,
    conditions,
    actions,
    enabled: row.enabled === 1,
    warnings: ruleWarnings(conditions, actions),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function toRuleRun(row: RuleRunRow): RuleRun {
  const stored = JSON.parse(row.context) as StoredRunContext;
  const entries = JSON.parse(row.actions) as ActionEntry[];
  return {
    id: row.id,
    object: 'rule_run',
    rule_id: row.rule_id,
    trigger: row.trigger,
    subject_id: row.subject_id,
    contact_id: row.contact_id,
    matched: row.matched === 1,
    status: row.status as RuleRun['status'],
    failed_conditions: stored.failed_conditions,
    actions: entries.map((entry) => ({
      type: entry.action.type,
      status: entry.status,
      attempts: entry.attempts,
      detail: entry.detail,
      error: entry.error,
      result: entry.result,
      updated_at: entry.updated_at,
    })),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function findRuleRow(
  executor: Executor,
  workspaceId: string,
  id: string,
): Promise<RuleRow | undefined> {
  return executor
    .selectFrom('rules')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function enabledRulesFor(
  executor: Executor,
  workspaceId: string,
  trigger: string,
): Promise<RuleRow[]> {
  return executor
    .selectFrom('rules')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('trigger', '=', trigger)
    .where('enabled', '=', 1)
    .orderBy('id')
    .execute();
}

export async function listRules(
  executor: Executor,
  workspaceId: string,
  filter: { limit?: number; starting_after?: string; trigger?: string },
): Promise<{ data: Rule[]; has_more: boolean }> {
  const limit = filter.limit ?? 20;
  let query = executor.selectFrom('rules').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.trigger) query = query.where('trigger', '=', filter.trigger);
  if (filter.starting_after) {
    const cursor = await findRuleRow(executor, workspaceId, filter.starting_after);
    if (!cursor) throw validationError('starting_after', 'is not the id of a rule in this list');
    query = query.where('id', '<', cursor.id);
  }
  const rows = await query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return { data: rows.slice(0, limit).map(toRule), has_more: rows.length > limit };
}

export async function listRuleRuns(
  executor: Executor,
  workspaceId: string,
  ruleId: string,
  filter: { limit?: number; starting_after?: string },
): Promise<{ data: RuleRun[]; has_more: boolean }> {
  const limit = filter.limit ?? 20;
  let query = executor
    .selectFrom('rule_runs')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('rule_id', '=', ruleId);
  if (filter.starting_after) query = query.where('id', '<', filter.starting_after);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return { data: rows.slice(0, limit).map(toRuleRun), has_more: rows.length > limit };
}
