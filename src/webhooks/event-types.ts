/**
 * The catalogue of event types a webhook endpoint can subscribe to. Every type the
 * outbox records for the outside world is listed here, with a one-line description,
 * so the endpoint API can validate filters and a later `/v1/event-types` can publish it.
 */
export const EVENT_TYPES = {
  'testimonial.created': 'A testimonial was submitted, created through the API or imported.',
  'testimonial.updated': 'A testimonial was edited or moderated.',
  'testimonial.approved': 'A testimonial was approved and may now be shown publicly.',
  'testimonial.rejected': 'A testimonial was rejected by a moderator.',
  'testimonial.deleted': 'A testimonial was deleted.',
} as const satisfies Record<string, string>;

export type EventType = keyof typeof EVENT_TYPES;

/** Subscribes to every event type, now and future. */
export const ALL_EVENTS = '*';

/** The filter an endpoint gets when it names none. */
export const DEFAULT_EVENT_FILTER: readonly string[] = [ALL_EVENTS];

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_TYPES, value);
}

/**
 * A filter entry is `*`, an exact type from the catalogue, or `<resource>.*` for a
 * resource that has at least one type (`testimonial.*`).
 */
export function isValidEventPattern(pattern: string): boolean {
  if (pattern === ALL_EVENTS || isEventType(pattern)) return true;
  if (!pattern.endsWith('.*')) return false;
  const prefix = pattern.slice(0, -1);
  return Object.keys(EVENT_TYPES).some((type) => type.startsWith(prefix));
}

export function matchesEventPattern(pattern: string, type: string): boolean {
  if (pattern === ALL_EVENTS || pattern === type) return true;
  return pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1));
}

export function matchesEventFilter(filter: readonly string[], type: string): boolean {
  return filter.some((pattern) => matchesEventPattern(pattern, type));
}
