import { Type, type Static } from '@sinclair/typebox';
import { ListQueryBase, Timestamp } from '../platform/http/schemas.js';

export const EventSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('event'),
    type: Type.String(),
    data: Type.Record(Type.String(), Type.Unknown(), {
      description: 'The object the event is about, as it was when the event happened.',
    }),
    created_at: Timestamp,
  },
  { $id: 'Event' },
);
export type Event = Static<typeof EventSchema>;

export const ListEventsQuery = Type.Object(
  {
    ...ListQueryBase,
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type ListEventsFilter = Static<typeof ListEventsQuery>;
