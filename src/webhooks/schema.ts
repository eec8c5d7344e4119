import { Type, type Static } from '@sinclair/typebox';
import { ListQueryBase, Nullable, Timestamp } from '../platform/http/schemas.js';
import { MAX_RATE_LIMIT_PER_SECOND } from './endpoint-rate-limit.js';
import { MAX_URL_CHARS } from './url-policy.js';

export const MAX_EVENT_PATTERNS = 50;
export const MAX_DESCRIPTION_CHARS = 500;

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const Url = Type.String({ minLength: 1, maxLength: MAX_URL_CHARS });
const EventFilter = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  minItems: 1,
  maxItems: MAX_EVENT_PATTERNS,
  uniqueItems: true,
  description: 'Event types (`testimonial.approved`) or wildcards (`testimonial.*`, `*`).',
});
const Description = Type.String({ maxLength: MAX_DESCRIPTION_CHARS });
/**
 * One `type: [integer, null]` rather than a union: with type coercion on, a union's null
 * branch would turn a 0 into null and accept it.
 */
const RateLimit = Type.Unsafe<number | null>({
  type: ['integer', 'null'],
  minimum: 1,
  maximum: MAX_RATE_LIMIT_PER_SECOND,
  description: 'Most messages per second sent to this endpoint; null for no limit.',
});

export const ENDPOINT_KINDS = ['endpoint', 'hook'] as const;
export const DISABLED_REASONS = ['manual', 'gone', 'failing'] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];

export const WebhookEndpointSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('webhook_endpoint'),
    kind: Type.Union(
      ENDPOINT_KINDS.map((k) => Type.Literal(k)),
      {
        description: '`hook` for a REST hook subscription made through /v1/hooks.',
      },
    ),
    url: Type.String(),
    description: Type.String(),
    events: Type.Array(Type.String()),
    enabled: Type.Boolean(),
    disabled_reason: Nullable(
      Type.Union(
        DISABLED_REASONS.map((r) => Type.Literal(r)),
        {
          description:
            'Why a disabled endpoint is disabled: `manual` (PATCH), `gone` (it answered 410) ' +
            'or `failing` (every attempt failed for 5 days). Null while enabled.',
        },
      ),
    ),
    rate_limit_per_second: RateLimit,
    previous_secret_expires_at: Nullable(
      Type.String({
        format: 'date-time',
        description:
          'Until then deliveries are also signed with the secret the last rotation replaced.',
      }),
    ),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'WebhookEndpoint' },
);
export type WebhookEndpoint = Static<typeof WebhookEndpointSchema>;

export const CreatedWebhookEndpointSchema = Type.Composite(
  [
    WebhookEndpointSchema,
    Type.Object({
      secret: Type.String({
        description: 'The `whsec_…` signing secret. Shown only in this response.',
      }),
    }),
  ],
  { $id: 'CreatedWebhookEndpoint' },
);
export type CreatedWebhookEndpoint = Static<typeof CreatedWebhookEndpointSchema>;

export const CreateWebhookEndpointBody = Type.Object(
  {
    url: Url,
    events: Type.Optional(EventFilter),
    description: Type.Optional(Description),
    rate_limit_per_second: Type.Optional(RateLimit),
  },
  { additionalProperties: false },
);
export type CreateWebhookEndpointInput = Static<typeof CreateWebhookEndpointBody>;

export const UpdateWebhookEndpointBody = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(EventFilter),
    description: Type.Optional(Description),
    enabled: Type.Optional(Type.Boolean()),
    rate_limit_per_second: Type.Optional(RateLimit),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateWebhookEndpointInput = Static<typeof UpdateWebhookEndpointBody>;

export const ListWebhookEndpointsQuery = Type.Object(ListQueryBase, {
  additionalProperties: false,
});
export type ListWebhookEndpointsFilter = Static<typeof ListWebhookEndpointsQuery>;

export const WebhookAttemptSchema = Type.Object(
  {
    attempt: Type.Integer({ minimum: 1 }),
    status_code: Nullable(Type.Integer()),
    duration_ms: Type.Integer({ minimum: 0 }),
    error: Nullable(Type.String()),
    response_excerpt: Nullable(Type.String()),
    created_at: Timestamp,
  },
  { additionalProperties: false },
);
export type WebhookAttempt = Static<typeof WebhookAttemptSchema>;

export const WebhookDeliverySchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('webhook_delivery'),
    event_id: Type.String(),
    event_type: Type.String(),
    status: Type.Union(DELIVERY_STATUSES.map((s) => Type.Literal(s))),
    attempt_count: Type.Integer({ minimum: 0 }),
    next_attempt_at: Nullable(Timestamp),
    last_status_code: Nullable(Type.Integer()),
    last_error: Nullable(
      Type.String({ description: 'Why the last attempt failed, or why the delivery was refused.' }),
    ),
    endpoint_id: Type.String(),
    attempts: Type.Array(WebhookAttemptSchema),
    created_at: Timestamp,
  },
  { $id: 'WebhookDelivery' },
);
export type WebhookDelivery = Static<typeof WebhookDeliverySchema>;

export const ListDeliveriesQuery = Type.Object(
  {
    ...ListQueryBase,
    status: Type.Optional(Type.Union(DELIVERY_STATUSES.map((s) => Type.Literal(s)))),
  },
  { additionalProperties: false },
);
export type ListDeliveriesFilter = Static<typeof ListDeliveriesQuery>;

export const EndpointDeliveryParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  delivery_id: Type.String({ minLength: 1, maxLength: 64 }),
});

export const RecoverBody = Type.Object(
  {
    since: Type.String({
      format: 'date-time',
      description: 'Re-send every failed delivery of an event at or after this time.',
    }),
  },
  { additionalProperties: false },
);

export const WebhookRecoverySchema = Type.Object(
  {
    object: Type.Literal('webhook_recovery'),
    endpoint_id: Type.String(),
    since: Timestamp,
    queued: Type.Integer({ minimum: 0, description: 'Failed deliveries queued again.' }),
    not_queued: Type.Integer({
      minimum: 0,
      description: 'Failed deliveries left failed: the endpoint reached its pending limit.',
    }),
  },
  { $id: 'WebhookRecovery' },
);
export type WebhookRecovery = Static<typeof WebhookRecoverySchema>;

export const TestBody = Type.Object(
  {
    event_type: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'Defaults to testimonial.created.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const WebhookTestResultSchema = Type.Object(
  {
    object: Type.Literal('webhook_test'),
    endpoint_id: Type.String(),
    event_type: Type.String(),
    webhook_id: Type.String(),
    succeeded: Type.Boolean(),
    status_code: Nullable(Type.Integer()),
    duration_ms: Type.Integer({ minimum: 0 }),
    error: Nullable(Type.String()),
    response_excerpt: Nullable(Type.String()),
  },
  { $id: 'WebhookTestResult' },
);
export type WebhookTestResult = Static<typeof WebhookTestResultSchema>;

export const CreateHookBody = Type.Object(
  {
    target_url: Url,
    event: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'An event type (`testimonial.approved`) or wildcard (`testimonial.*`).',
    }),
  },
  { additionalProperties: false },
);
export type CreateHookInput = Static<typeof CreateHookBody>;

export const HookSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('hook'),
    target_url: Type.String(),
    event: Type.String(),
    secret: Type.Optional(
      Type.String({
        description: 'Signing secret of the deliveries; in the create response only.',
      }),
    ),
    created_at: Timestamp,
  },
  { $id: 'Hook' },
);
export type Hook = Static<typeof HookSchema>;
