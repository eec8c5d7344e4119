import { Type, type Static } from '@sinclair/typebox';
import { SCOPES } from '../auth/scopes.js';
import { ListQueryBase, Timestamp } from '../platform/http/schemas.js';

export const CLIENT_TYPES = ['confidential', 'public'] as const;
export type ClientType = (typeof CLIENT_TYPES)[number];
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

export const MAX_REDIRECT_URIS = 10;
export const MAX_REDIRECT_URI_CHARS = 2000;

const Name = Type.String({ minLength: 1, maxLength: 100 });
const RedirectUris = Type.Array(Type.String({ minLength: 1, maxLength: MAX_REDIRECT_URI_CHARS }), {
  maxItems: MAX_REDIRECT_URIS,
  uniqueItems: true,
  description:
    'Exact callback URLs (https, or http on 127.0.0.1, [::1] or localhost), written in canonical ' +
    'form. An authorization request must name one of them character for character.',
});
const Scopes = Type.Array(Type.Union(SCOPES.map((s) => Type.Literal(s))), {
  minItems: 1,
  maxItems: SCOPES.length,
  uniqueItems: true,
  description: 'The API key scopes this app may ask for; a request for any other is refused.',
});
const GrantTypes = Type.Array(Type.Union(GRANT_TYPES.map((g) => Type.Literal(g))), {
  minItems: 1,
  maxItems: GRANT_TYPES.length,
  uniqueItems: true,
});

export const OAuthAppSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('oauth_app'),
    name: Type.String(),
    client_id: Type.String({ description: 'The `client_id` of OAuth requests (the app id).' }),
    client_type: Type.Union(
      CLIENT_TYPES.map((c) => Type.Literal(c)),
      {
        description:
          '`confidential`: a server that keeps a client secret. `public`: an app that cannot ' +
          '(browser, mobile), authenticated by PKCE alone.',
      },
    ),
    redirect_uris: Type.Array(Type.String()),
    grant_types: Type.Array(Type.String()),
    scopes: Type.Array(Type.String()),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'OAuthApp' },
);
export type OAuthApp = Static<typeof OAuthAppSchema>;

export const CreatedOAuthAppSchema = Type.Composite(
  [
    OAuthAppSchema,
    Type.Object({
      client_secret: Type.Union([Type.String(), Type.Null()], {
        description: 'The client secret of a confidential app, shown only in this response.',
      }),
    }),
  ],
  { $id: 'CreatedOAuthApp' },
);
export type CreatedOAuthApp = Static<typeof CreatedOAuthAppSchema>;

export const CreateOAuthAppBody = Type.Object(
  {
    name: Name,
    client_type: Type.Optional(Type.Union(CLIENT_TYPES.map((c) => Type.Literal(c)))),
    redirect_uris: Type.Optional(RedirectUris),
    grant_types: Type.Optional(GrantTypes),
    scopes: Scopes,
  },
  { additionalProperties: false },
);
export type CreateOAuthAppInput = Static<typeof CreateOAuthAppBody>;

export const UpdateOAuthAppBody = Type.Object(
  {
    name: Type.Optional(Name),
    redirect_uris: Type.Optional(RedirectUris),
    scopes: Type.Optional(Scopes),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateOAuthAppInput = Static<typeof UpdateOAuthAppBody>;

export const ListOAuthAppsQuery = Type.Object(ListQueryBase, { additionalProperties: false });
export type ListOAuthAppsQuery = Static<typeof ListOAuthAppsQuery>;
