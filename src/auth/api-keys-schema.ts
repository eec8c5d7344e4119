import { Type, type Static } from '@sinclair/typebox';
import { ListQueryBase, Nullable, Timestamp } from '../platform/http/schemas.js';
import { ALL_SCOPES, SCOPES } from './scopes.js';

/** One enum rather than a union of literals: ajv then names a bad scope in one message. */
const ScopeName = Type.Unsafe<string>({
  type: 'string',
  enum: [ALL_SCOPES, ...SCOPES],
  description: '`*` grants every scope, including ones added later.',
});

export const ApiKeySchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('api_key'),
    name: Type.String(),
    scopes: Type.Array(Type.String()),
    prefix: Type.String({
      description: 'The first characters of the secret, e.g. `st_live_Ab3x`.',
    }),
    last_four: Type.String({ description: 'The last four characters of the secret.' }),
    created_at: Timestamp,
    last_used_at: Nullable(Timestamp),
    expires_at: Nullable(Timestamp),
    revoked_at: Nullable(Timestamp),
  },
  { $id: 'ApiKey', description: 'An API key; its secret is shown only once, when created.' },
);
export type ApiKey = Static<typeof ApiKeySchema>;

export const CreatedApiKeySchema = Type.Composite(
  [
    ApiKeySchema,
    Type.Object({
      secret: Type.String({ description: 'The key itself, `st_live_…`. Shown this once.' }),
    }),
  ],
  { $id: 'CreatedApiKey' },
);
export type CreatedApiKeyResponse = Static<typeof CreatedApiKeySchema>;

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Array(ScopeName, { minItems: 1, maxItems: 64, uniqueItems: true }),
    expires_at: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
  },
  { additionalProperties: false },
);
export type CreateApiKeyInput = Static<typeof CreateApiKeyBody>;

export const ListApiKeysQuery = Type.Object(ListQueryBase, { additionalProperties: false });
export type ListApiKeysFilter = Static<typeof ListApiKeysQuery>;
