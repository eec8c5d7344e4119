import { Type, type Static } from '@sinclair/typebox';
import { ListQueryBase, Timestamp } from '../platform/http/schemas.js';

export const CONNECTION_KINDS = ['slack', 'hubspot', 'http'] as const;
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];

const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const Url = Type.String({ minLength: 1, maxLength: 2048 });
const HeaderMap = Type.Record(
  Type.String({ pattern: '^[A-Za-z0-9-]{1,100}$' }),
  Type.String({ maxLength: 4096, pattern: '^[^\\r\\n]*$' }),
  { maxProperties: 20 },
);

export const ConnectionSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('connection'),
    kind: Type.Union(CONNECTION_KINDS.map((k) => Type.Literal(k))),
    name: Type.String(),
    settings: Type.Object(
      {
        channel: Type.Optional(Type.String()),
        base_url: Type.Optional(Type.String()),
        url: Type.Optional(Type.String()),
        body_template: Type.Optional(Type.Unknown()),
        header_names: Type.Optional(Type.Array(Type.String())),
      },
      { description: 'What the connection does, secrets left out.' },
    ),
    /** Last four characters of the secret (webhook URL, token), to tell connections apart. */
    secret_hint: Type.String(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Connection' },
);
export type Connection = Static<typeof ConnectionSchema>;

export const CreateConnectionBody = Type.Union(
  [
    Type.Object(
      {
        kind: Type.Literal('slack'),
        name: Name,
        webhook_url: Url,
        channel: Type.Optional(Type.String({ maxLength: 100 })),
      },
      {
        additionalProperties: false,
        description:
          'A Slack incoming webhook. Slack ties each webhook URL to one channel: make one connection per channel.',
      },
    ),
    Type.Object(
      {
        kind: Type.Literal('hubspot'),
        name: Name,
        access_token: Type.String({ minLength: 8, maxLength: 500 }),
        base_url: Type.Optional(Url),
      },
      { additionalProperties: false, description: 'A HubSpot private-app access token.' },
    ),
    Type.Object(
      {
        kind: Type.Literal('http'),
        name: Name,
        url: Url,
        headers: Type.Optional(HeaderMap),
        body_template: Type.Unknown({ description: 'JSON with `{{path}}` placeholders.' }),
      },
      { additionalProperties: false, description: 'POSTs a JSON template to a URL.' },
    ),
  ],
  { description: 'One of the connection kinds, by `kind`.' },
);
export type CreateConnectionInput = Static<typeof CreateConnectionBody>;

export const UpdateConnectionBody = Type.Object(
  {
    name: Type.Optional(Name),
    webhook_url: Type.Optional(Url),
    channel: Type.Optional(Type.String({ maxLength: 100 })),
    access_token: Type.Optional(Type.String({ minLength: 8, maxLength: 500 })),
    base_url: Type.Optional(Url),
    url: Type.Optional(Url),
    headers: Type.Optional(HeaderMap),
    body_template: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateConnectionInput = Static<typeof UpdateConnectionBody>;

export const ListConnectionsQuery = Type.Object(
  {
    ...ListQueryBase,
    kind: Type.Optional(Type.Union(CONNECTION_KINDS.map((k) => Type.Literal(k)))),
  },
  { additionalProperties: false },
);
