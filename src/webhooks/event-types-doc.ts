import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { EVENT_CATALOGUE, type EventType } from './event-types.js';
import { MAX_PAYLOAD_BYTES } from './delivery-limits.js';

export const EventTypeSchema = Type.Object(
  {
    object: Type.Literal('event_type'),
    type: Type.String(),
    description: Type.String(),
    schema: Type.Record(Type.String(), Type.Unknown(), {
      description: 'JSON Schema (2020-12) of the message `data`.',
    }),
    example: Type.Record(Type.String(), Type.Unknown(), {
      description: 'A message body of this type, as sent.',
    }),
  },
  { $id: 'EventType' },
);
export type EventTypeInfo = Static<typeof EventTypeSchema>;

/** A TypeBox schema as plain JSON Schema: no TypeBox symbols, no $id to clash in a document. */
function plainSchema(schema: TSchema): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  delete plain.$id;
  return plain;
}

/** The example message of a type: what `GET /v1/event-types` shows and `POST …/test` sends. */
export function exampleMessage(type: EventType) {
  const { example } = EVENT_CATALOGUE[type];
  return { type, timestamp: String(example.updated_at), data: example };
}

/** The catalogue as `GET /v1/event-types` lists it. */
export function listEventTypes(): EventTypeInfo[] {
  return (Object.keys(EVENT_CATALOGUE) as EventType[]).map((type) => ({
    object: 'event_type',
    type,
    description: EVENT_CATALOGUE[type].description,
    schema: plainSchema(EVENT_CATALOGUE[type].schema),
    example: exampleMessage(type),
  }));
}

const header = (name: string, description: string) => ({
  in: 'header',
  name,
  required: true,
  description,
  schema: { type: 'string' },
});

const SIGNATURE_HEADERS = [
  header('webhook-id', 'The event id: the same on every retry, so receivers can drop duplicates.'),
  header('webhook-timestamp', 'Unix seconds when this attempt was signed; fresh on every retry.'),
  header(
    'webhook-signature',
    'Space-separated `v1,<base64 HMAC-SHA256>` of `id.timestamp.body` (Standard Webhooks); ' +
      'two during the 24 h after a secret rotation.',
  ),
];

/** The OpenAPI 3.1 `webhooks` section: one POST per outgoing event type. */
export function openapiWebhooks(): Record<string, unknown> {
  const entries = (Object.keys(EVENT_CATALOGUE) as EventType[]).map((type) => {
    const entry = EVENT_CATALOGUE[type];
    const body = {
      type: 'object',
      required: ['type', 'timestamp', 'data'],
      properties: {
        type: { const: type },
        timestamp: { type: 'string', format: 'date-time' },
        data: plainSchema(entry.schema),
      },
    };
    const operation = {
      summary: type,
      description: `${entry.description} Bodies are at most ${MAX_PAYLOAD_BYTES} bytes.`,
      tags: ['webhooks'],
      parameters: SIGNATURE_HEADERS,
      requestBody: {
        required: true,
        content: { 'application/json': { schema: body, example: exampleMessage(type) } },
      },
      responses: {
        '2XX': { description: 'Received: any 2xx within the timeout (15 s) counts as delivered.' },
        '410': { description: 'Gone: the endpoint is disabled (a REST hook is removed).' },
      },
    };
    return [type, { post: operation }];
  });
  return Object.fromEntries(entries);
}
