import { Type, type TSchema } from '@sinclair/typebox';
import { ERROR_CODES } from '../errors.js';

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.Union(Object.keys(ERROR_CODES).map((code) => Type.Literal(code))),
    detail: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.String() })),
    ),
    request_id: Type.Optional(Type.String()),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details with a stable `code`.' },
);

export const Timestamp = Type.String({ format: 'date-time' });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const ListQueryBase = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  starting_after: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
};

export function listOf<T extends TSchema>(item: T) {
  return Type.Object({
    object: Type.Literal('list'),
    data: Type.Array(item),
    has_more: Type.Boolean(),
  });
}

/** The problem responses every authenticated route can give, for the OpenAPI document. */
export const authProblems = {
  400: Type.Ref(ProblemSchema),
  401: Type.Ref(ProblemSchema),
  403: Type.Ref(ProblemSchema),
  404: Type.Ref(ProblemSchema),
  422: Type.Ref(ProblemSchema),
};
