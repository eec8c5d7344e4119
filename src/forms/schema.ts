import { Type, type Static } from '@sinclair/typebox';
import { ListQueryBase, Timestamp } from '../platform/http/schemas.js';

export const SLUG_PATTERN = '^[a-z0-9-]{1,64}$';

const Slug = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: SLUG_PATTERN,
  description: 'Lowercase letters, digits and hyphens; unique across the server.',
});
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });

export const FormSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('form'),
    slug: Type.String(),
    name: Type.String(),
    heading: Type.String(),
    prompt: Type.String(),
    consent_text: Type.String(),
    thank_you_text: Type.String(),
    url: Type.String({ description: 'The hosted submission page.' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Form' },
);
export type Form = Static<typeof FormSchema>;

const optionalFields = {
  heading: Type.Optional(Text(200)),
  prompt: Type.Optional(Text(1_000)),
  consent_text: Type.Optional(Text(1_000)),
  thank_you_text: Type.Optional(Text(1_000)),
};

export const CreateFormBody = Type.Object(
  { slug: Slug, name: Text(200), ...optionalFields },
  { additionalProperties: false },
);
export type CreateFormInput = Static<typeof CreateFormBody>;

export const UpdateFormBody = Type.Object(
  { slug: Type.Optional(Slug), name: Type.Optional(Text(200)), ...optionalFields },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateFormInput = Static<typeof UpdateFormBody>;

export const ListFormsQuery = Type.Object(ListQueryBase, { additionalProperties: false });
export type ListFormsQuery = Static<typeof ListFormsQuery>;
