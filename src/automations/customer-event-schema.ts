import { Type, type Static } from '@sinclair/typebox';
import { ListQueryBase, Timestamp } from '../platform/http/schemas.js';
import { EventContactBody } from './contact-schema.js';

/** A 450 KB event (a long free-text comment) fits; a 6 MB one is refused before it is read. */
export const CUSTOMER_EVENT_BODY_LIMIT_BYTES = 1024 * 1024;
export const EVENT_TYPE_PATTERN = '^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*$';

export const CustomerEventSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('customer_event'),
    external_id: Type.String({ description: 'The `id` the caller sent.' }),
    type: Type.String(),
    occurred_at: Timestamp,
    contact_id: Type.String(),
    properties: Type.Record(Type.String(), Type.Unknown()),
    received_at: Timestamp,
  },
  { $id: 'CustomerEvent' },
);
export type CustomerEvent = Static<typeof CustomerEventSchema>;

export const CreateCustomerEventBody = Type.Object(
  {
    id: Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        'Your id for the event. The same id again (even at the same moment) is stored and acted on once.',
    }),
    type: Type.String({
      maxLength: 100,
      pattern: EVENT_TYPE_PATTERN,
      description: 'Such as `nps.responded`, `plan.upgraded`, `onboarding.completed`.',
    }),
    occurred_at: Timestamp,
    contact: EventContactBody,
    properties: Type.Optional(
      Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), { maxProperties: 200 }),
    ),
  },
  { additionalProperties: false },
);
export type CreateCustomerEventInput = Static<typeof CreateCustomerEventBody>;

export const ListCustomerEventsQuery = Type.Object(
  {
    ...ListQueryBase,
    type: Type.Optional(Type.String({ maxLength: 100 })),
    contact_id: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type ListCustomerEventsFilter = Static<typeof ListCustomerEventsQuery>;
