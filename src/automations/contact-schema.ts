import { Type, type Static } from '@sinclair/typebox';
import { ListQueryBase, Nullable, Timestamp } from '../platform/http/schemas.js';

export const MAX_ATTRIBUTES = 50;

// Values are checked in code (checkAttributes), not by a schema union: with the API's type
// coercion a union would turn 10 into "10" or "02134" into 2134.
const AttributeValue = Type.Unknown({
  description: 'A string (up to 1,000 characters), number, boolean or null.',
});
export const Attributes = Type.Record(
  Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }),
  AttributeValue,
  {
    maxProperties: MAX_ATTRIBUTES,
    description:
      'Free attributes such as `segment` or `plan`; merged into what is stored, `null` removes one.',
  },
);

export const ContactSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('contact'),
    email: Type.String(),
    external_id: Nullable(Type.String()),
    name: Nullable(Type.String()),
    company: Nullable(Type.String()),
    attributes: Type.Record(
      Type.String(),
      Type.Union([Type.String(), Type.Number(), Type.Boolean()]),
    ),
    unsubscribed: Type.Boolean(),
    unsubscribed_at: Nullable(Timestamp),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Contact' },
);
export type Contact = Static<typeof ContactSchema>;

export const MAX_ATTRIBUTE_CHARS = 1_000;

const fields = {
  email: Type.String({ maxLength: 320, format: 'email' }),
  external_id: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
  name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  company: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  attributes: Type.Optional(Attributes),
};

/** The contact part of a customer event: who it is about. */
export const EventContactBody = Type.Object(fields, { additionalProperties: false });
export type ContactInput = Static<typeof EventContactBody> & { unsubscribed?: boolean };

export const UpsertContactBody = Type.Object(
  { ...fields, unsubscribed: Type.Optional(Type.Boolean()) },
  {
    additionalProperties: false,
    description:
      'Matched by `external_id` when given, else by email; created when neither matches.',
  },
);

export const UpdateContactBody = Type.Partial(
  Type.Object({ ...fields, unsubscribed: Type.Boolean() }),
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateContactInput = Static<typeof UpdateContactBody>;

export const ListContactsQuery = Type.Object(
  {
    ...ListQueryBase,
    email: Type.Optional(Type.String({ maxLength: 320 })),
    external_id: Type.Optional(Type.String({ maxLength: 200 })),
    unsubscribed: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ListContactsFilter = Static<typeof ListContactsQuery>;
