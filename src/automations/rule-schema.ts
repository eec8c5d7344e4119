import { Type, type Static } from '@sinclair/typebox';
import { ListQueryBase, Nullable, Timestamp } from '../platform/http/schemas.js';
import { CONDITION_OPS } from './conditions.js';
import { EVENT_TYPE_PATTERN } from './customer-event-schema.js';

export const TESTIMONIAL_TRIGGERS = [
  'testimonial.created',
  'testimonial.approved',
  'testimonial.rejected',
] as const;

/**
 * Shown on every rule that sends review requests only after a score or rating check, and
 * in the API reference. First-party testimonials may be asked of happy customers; steering
 * only happy customers to public review sites ("review gating") is not allowed.
 */
export const REVIEW_GATING_WARNING =
  'This rule asks only customers who pass a score or rating check. That is fine for ' +
  'first-party testimonials shown on your own site, but asking only happy customers for ' +
  'reviews on public review sites ("review gating") breaks the rules of those sites and, ' +
  'in several countries (for example the US FTC rule on consumer reviews, 16 CFR 465), the ' +
  'law. Do not use this rule to send people to public review sites.';

const Tag = Type.String({ minLength: 1, maxLength: 50, pattern: '^\\S(.*\\S)?$' });
const FIELD_PATTERN =
  '^(type|occurred_at|properties(\\.[A-Za-z0-9_-]+)+|contact\\.(email|name|company|external_id|attributes\\.[A-Za-z0-9_]+)|testimonial\\.(rating|tags|text|verified|source|status|form_id|author_company|author_title|featured))$';

export const ConditionSchema = Type.Object(
  {
    field: Type.String({
      pattern: FIELD_PATTERN,
      description:
        'A dotted path: `properties.score`, `contact.attributes.segment`, `testimonial.rating`, `testimonial.tags`…',
    }),
    op: Type.Union(CONDITION_OPS.map((op) => Type.Literal(op))),
    // Checked in code (rule-service), not by a union the API's type coercion would bend.
    value: Type.Optional(
      Type.Unknown({
        description: 'A string, number, boolean or null; for `in`, a list of strings or numbers.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const SendReviewRequestAction = Type.Object(
  {
    type: Type.Literal('send_review_request'),
    form_id: Type.String({ maxLength: 64 }),
    delay_minutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 525_600 })),
    delay_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
    at_local_time: Type.Optional(
      Type.String({
        pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
        description: 'Send at this wall time in the workspace zone, `delay_days` days later.',
      }),
    ),
    cooldown_days: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 3650,
        description: 'At most one request per contact in this many days (default 90; 0: no limit).',
      }),
    ),
    reminder_after_days: Type.Optional(
      Nullable(
        Type.Integer({
          minimum: 0,
          maximum: 60,
          description: '0: no reminder; null: the workspace setting.',
        }),
      ),
    ),
  },
  { additionalProperties: false },
);

export const ActionSchema = Type.Union([
  SendReviewRequestAction,
  Type.Object(
    { type: Type.Literal('notify_slack'), connection_id: Type.String({ maxLength: 64 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('push_to_crm'), connection_id: Type.String({ maxLength: 64 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('add_tags'),
      tags: Type.Array(Tag, { minItems: 1, maxItems: 20, uniqueItems: true }),
    },
    { additionalProperties: false },
  ),
]);
export type RuleAction = Static<typeof ActionSchema>;
export type RuleCondition = Static<typeof ConditionSchema>;

const Trigger = Type.String({
  maxLength: 100,
  pattern: EVENT_TYPE_PATTERN,
  description: `A customer event type (\`nps.responded\`…) or one of ${TESTIMONIAL_TRIGGERS.join(', ')}.`,
});

export const RuleSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('rule'),
    name: Type.String(),
    trigger: Type.String(),
    conditions: Type.Array(ConditionSchema),
    actions: Type.Array(ActionSchema),
    enabled: Type.Boolean(),
    warnings: Type.Array(Type.String(), { description: REVIEW_GATING_WARNING }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Rule' },
);
export type Rule = Static<typeof RuleSchema>;

const editable = {
  name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
  trigger: Trigger,
  conditions: Type.Optional(Type.Array(ConditionSchema, { maxItems: 20 })),
  actions: Type.Array(ActionSchema, { minItems: 1, maxItems: 10 }),
  enabled: Type.Optional(Type.Boolean()),
};

export const CreateRuleBody = Type.Object(editable, { additionalProperties: false });
export type CreateRuleInput = Static<typeof CreateRuleBody>;

export const UpdateRuleBody = Type.Partial(Type.Object(editable), {
  additionalProperties: false,
  minProperties: 1,
});
export type UpdateRuleInput = Static<typeof UpdateRuleBody>;

export const ListRulesQuery = Type.Object(
  { ...ListQueryBase, trigger: Type.Optional(Type.String({ maxLength: 100 })) },
  { additionalProperties: false },
);

export const ACTION_STATUSES = ['pending', 'succeeded', 'skipped', 'failed'] as const;
export const RUN_STATUSES = ['no_match', 'running', 'succeeded', 'failed'] as const;

export const RuleRunSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('rule_run'),
    rule_id: Type.String(),
    trigger: Type.String(),
    subject_id: Type.String({
      description: 'The customer event (`cev_`) or event (`evt_`) run for.',
    }),
    contact_id: Nullable(Type.String()),
    matched: Type.Boolean(),
    status: Type.Union(RUN_STATUSES.map((s) => Type.Literal(s))),
    failed_conditions: Type.Array(ConditionSchema),
    actions: Type.Array(
      Type.Object({
        type: Type.String(),
        status: Type.Union(ACTION_STATUSES.map((s) => Type.Literal(s))),
        attempts: Type.Integer(),
        detail: Nullable(Type.String()),
        error: Nullable(Type.String()),
        result: Type.Record(Type.String(), Type.Unknown()),
        updated_at: Timestamp,
      }),
    ),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'RuleRun' },
);
export type RuleRun = Static<typeof RuleRunSchema>;
