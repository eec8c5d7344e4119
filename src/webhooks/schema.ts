import { Type, type Static } from '@sinclair/typebox';
import { ListQueryBase, Nullable, Timestamp } from '../platform/http/schemas.js';
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

export const WebhookEndpointSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('webhook_endpoint'),
    url: Type.String(),
    description: Type.String(),
    events: Type.Array(Type.String()),
    enabled: Type.Boolean(),
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
