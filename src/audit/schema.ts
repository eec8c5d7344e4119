import { Type, type Static } from '@sinclair/typebox';
import { ListQueryBase, Nullable, Timestamp } from '../platform/http/schemas.js';

export const AuditEntrySchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('audit_entry'),
    action: Type.String({ description: 'What happened, e.g. `api_key.created`.' }),
    actor: Type.Object({
      type: Type.String({ description: '`api_key`, `oauth_app` (a token of that app) or `cli`.' }),
      id: Nullable(Type.String()),
    }),
    target: Nullable(Type.Object({ type: Type.String(), id: Nullable(Type.String()) })),
    request_id: Nullable(Type.String()),
    ip: Nullable(Type.String()),
    details: Type.Record(Type.String(), Type.Unknown(), {
      description: 'Facts about the action that hold no secret (a new status, a refused scope).',
    }),
    created_at: Timestamp,
  },
  { $id: 'AuditEntry' },
);
export type AuditEntry = Static<typeof AuditEntrySchema>;

export const ListAuditQuery = Type.Object(
  {
    ...ListQueryBase,
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    actor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'The id of the acting credential.' }),
    ),
  },
  { additionalProperties: false },
);
export type ListAuditFilter = Static<typeof ListAuditQuery>;
