import type { TSchema } from '@sinclair/typebox';
import { TestimonialSchema, type Testimonial } from '../testimonials/schema.js';
import { WebhookEndpointSchema, type WebhookEndpoint } from './schema.js';

/**
 * The catalogue of event types a webhook endpoint can subscribe to. Every type the
 * outbox records for the outside world is listed here with a description, the JSON
 * schema of its `data` and an example, so filters are validated against it and
 * `GET /v1/event-types` and the OpenAPI `webhooks` section are generated from it.
 */
export interface EventTypeEntry {
  description: string;
  /** The schema of `data`: the object the event is about, as it was then. */
  schema: TSchema;
  example: Record<string, unknown>;
}

/** Checked against TestimonialSchema by a test, so the example follows the schema. */
const EXAMPLE_TESTIMONIAL: Record<string, unknown> = {
  id: 'tst_01kf3m9w8q5c1r7g2v4n6b8d0e',
  object: 'testimonial',
  status: 'pending',
  source: 'form',
  form_id: 'frm_01kf3m2a7x9y4t6w8q0r2s4u6v',
  rating: 5,
  title: 'Set up in an afternoon',
  text: 'We had the widget on our pricing page the same day. Support answered within the hour.',
  author_name: 'Zoë Ångström',
  author_email: 'zoe@example.com',
  author_title: 'Head of Growth',
  author_company: 'Example GmbH',
  tags: ['onboarding'],
  featured: false,
  author_avatar_url: '/media/med_01kf3m9w8r2d4f6h8k0m2p4r6t',
  consent_given: true,
  consent_text: 'You may publish my testimonial with my name.',
  consent_revoked_at: null,
  verified: false,
  contact_id: null,
  created_at: '2026-01-15T12:00:00.000Z',
  updated_at: '2026-01-15T12:00:00.000Z',
};

const EXAMPLE_DISABLED_ENDPOINT: WebhookEndpoint = {
  id: 'whe_01kf3m4c6e8g0j2l4n6q8s0u2w',
  object: 'webhook_endpoint',
  kind: 'endpoint',
  url: 'https://crm.example.com/hooks/showtrust',
  description: 'CRM sync',
  events: ['testimonial.*'],
  enabled: false,
  disabled_reason: 'failing',
  rate_limit_per_second: null,
  previous_secret_expires_at: null,
  created_at: '2026-01-10T09:30:00.000Z',
  updated_at: '2026-01-15T12:00:00.000Z',
};

const testimonialEvent = (description: string, example: Partial<Testimonial> = {}) => ({
  description,
  schema: TestimonialSchema,
  example: { ...EXAMPLE_TESTIMONIAL, ...example },
});

export const EVENT_CATALOGUE = {
  'testimonial.created': testimonialEvent(
    'A testimonial was submitted on a form or created through the API (imports send none).',
  ),
  'testimonial.updated': testimonialEvent('A testimonial was edited or moderated.', {
    featured: true,
  }),
  'testimonial.approved': testimonialEvent(
    'A testimonial was approved and may now be shown publicly.',
    { status: 'approved' },
  ),
  'testimonial.rejected': testimonialEvent('A testimonial was rejected by a moderator.', {
    status: 'rejected',
  }),
  'testimonial.deleted': testimonialEvent('A testimonial was deleted.'),
  'testimonial.consent_revoked': testimonialEvent(
    'The author withdrew consent: the testimonial and its photo left every public surface.',
    {
      status: 'approved',
      author_avatar_url: null,
      consent_given: false,
      consent_revoked_at: '2026-01-20T08:30:00.000Z',
    },
  ),
  'webhook_endpoint.disabled': {
    description:
      'A webhook endpoint was disabled automatically: it answered 410 Gone, or every ' +
      'attempt failed for 5 days. It receives nothing until re-enabled.',
    schema: WebhookEndpointSchema,
    example: EXAMPLE_DISABLED_ENDPOINT,
  },
} as const satisfies Record<string, EventTypeEntry>;

export type EventType = keyof typeof EVENT_CATALOGUE;

/** Each type with its one-line description. */
export const EVENT_TYPES = Object.fromEntries(
  Object.entries(EVENT_CATALOGUE).map(([type, entry]) => [type, entry.description]),
) as Record<EventType, string>;

/** Subscribes to every event type, now and future. */
export const ALL_EVENTS = '*';

/** The filter an endpoint gets when it names none. */
export const DEFAULT_EVENT_FILTER: readonly string[] = [ALL_EVENTS];

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_CATALOGUE, value);
}

/**
 * A filter entry is `*`, an exact type from the catalogue, or `<resource>.*` for a
 * resource that has at least one type (`testimonial.*`).
 */
export function isValidEventPattern(pattern: string): boolean {
  if (pattern === ALL_EVENTS || isEventType(pattern)) return true;
  if (!pattern.endsWith('.*')) return false;
  const prefix = pattern.slice(0, -1);
  return Object.keys(EVENT_CATALOGUE).some((type) => type.startsWith(prefix));
}

export function matchesEventPattern(pattern: string, type: string): boolean {
  if (pattern === ALL_EVENTS || pattern === type) return true;
  return pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1));
}

export function matchesEventFilter(filter: readonly string[], type: string): boolean {
  return filter.some((pattern) => matchesEventPattern(pattern, type));
}
