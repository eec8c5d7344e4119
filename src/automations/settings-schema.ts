import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Timestamp } from '../platform/http/schemas.js';

const Colour = Type.String({ pattern: '^#[0-9a-fA-F]{6}$' });

export const AutomationSettingsSchema = Type.Object(
  {
    object: Type.Literal('automation_settings'),
    time_zone: Type.String({
      description: 'IANA zone for local send times, e.g. `America/New_York`.',
    }),
    brand_color: Colour,
    accent_color: Colour,
    reminder_after_days: Nullable(
      Type.Integer({ description: 'Days after sending for the one reminder; null for none.' }),
    ),
    auto_publish: Type.Boolean({
      description:
        'Always false: testimonials from review requests arrive pending and a person approves them.',
    }),
    updated_at: Nullable(Timestamp),
  },
  { $id: 'AutomationSettings' },
);
export type AutomationSettings = Static<typeof AutomationSettingsSchema>;

export const UpdateAutomationSettingsBody = Type.Object(
  {
    time_zone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    brand_color: Type.Optional(Colour),
    accent_color: Type.Optional(Colour),
    reminder_after_days: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 60 }))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateAutomationSettingsInput = Static<typeof UpdateAutomationSettingsBody>;
