import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, ValueErrorType, type ValueError } from '@sinclair/typebox/compiler';
import { CreateTestimonialBody, type CreateTestimonialInput } from '../testimonials/schema.js';
import type { ColumnPlan } from './column-plan.js';
import type { DefaultStatus, ImportField } from './fields.js';

export type RowCheck =
  { ok: true; input: CreateTestimonialInput } | { ok: false; reasons: string[] };

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** How a spreadsheet spells a yes or no; anything else is refused as not a boolean. */
const CONSENT_WORDS: Record<string, boolean> = {
  true: true,
  yes: true,
  y: true,
  '1': true,
  false: false,
  no: false,
  n: false,
  '0': false,
};
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;
// The WHATWG form-validation shape of an address: what a browser's type=email accepts.
const EMAIL =
  /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** RFC 3339 date-time with a zone, as the API's validator reads it; no 30 February. */
function isDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second, zoneHour, zoneMinute] = match
    .slice(1)
    .map((part) => Number(part ?? 0));
  return (
    isCalendarDate(year!, month!, day!) &&
    hour! < 24 &&
    minute! < 60 &&
    second! < 60 &&
    zoneHour! < 24 &&
    zoneMinute! < 60
  );
}

// TypeBox checks formats only through its registry; these match the API's meaning.
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isDateTime);
if (!FormatRegistry.Has('email')) FormatRegistry.Set('email', (value) => EMAIL.test(value));

/** The API's own body schema, compiled once: an imported row obeys the same rules as a POST. */
const checker = TypeCompiler.Compile(CreateTestimonialBody);

/** Turns a file's value into what the API would receive; blank cells count as absent. */
function coerce(field: ImportField, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value) && field === 'tags') {
    return value.map((tag: unknown) => (typeof tag === 'string' ? tag.trim() : tag));
  }
  if (typeof value !== 'string') return value;

  const text = value.trim();
  if (text === '') return undefined;
  if (field === 'rating') return /^[+-]?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  if (field === 'consent_given') return CONSENT_WORDS[text.toLowerCase()] ?? text;
  if (field === 'tags') {
    const tags = text
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean);
    return tags.length > 0 ? tags : undefined;
  }
  // A date without a time is a calendar date: midnight UTC, so no time zone moves its day.
  if (field === 'created_at' && DATE_ONLY.test(text)) return `${text}T00:00:00.000Z`;
  return text;
}

export function checkRow(
  values: Record<string, unknown>,
  plan: ColumnPlan,
  defaultStatus: DefaultStatus,
): RowCheck {
  const input: Record<string, unknown> = {};
  for (const [column, field] of plan) {
    const value = coerce(field, values[column]);
    if (value !== undefined) input[field] = value;
  }
  input.status ??= defaultStatus;

  if (checker.Check(input)) return { ok: true, input };
  const errors = [...checker.Errors(input)].flatMap(unwrapNullable).filter(isRealError);
  if (errors.length === 0) return { ok: true, input: input as CreateTestimonialInput };

  const reasons = new Map<string, string>();
  for (const error of errors) {
    const [, field = 'record', ...rest] = error.path.split('/');
    if (reasons.has(field)) continue;
    const what = describe(error);
    reasons.set(field, rest.length > 0 ? `${field} has an item that ${what}` : `${field} ${what}`);
  }
  return { ok: false, reasons: [...reasons.values()] };
}

/** A nullable value that is not null failed its one real rule: those are the errors to tell. */
function unwrapNullable(error: ValueError): ValueError[] {
  if (error.type !== ValueErrorType.Union) return [error];
  const variants = (error.schema.anyOf ?? []) as TSchema[];
  const index = variants.findIndex((variant) => variant.type !== 'null');
  if (index < 0 || !variants.some((variant) => variant.type === 'null')) return [error];
  const inner = [...(error.errors[index] ?? [])].flatMap(unwrapNullable);
  return inner.length > 0 ? inner : [error];
}

/**
 * The API's validator (ajv) counts a string's length in characters (code points); TypeBox
 * counts UTF-16 units, so an emoji counts twice. A length error that only the second
 * count sees is no error: an import accepts exactly what a POST accepts.
 */
function isRealError(error: ValueError): boolean {
  if (error.type !== ValueErrorType.StringMaxLength) return true;
  return [...String(error.value)].length > Number(error.schema.maxLength);
}

const FORMAT_HINTS: Record<string, string> = {
  'date-time': 'must be an ISO 8601 date (2024-03-01) or date-time (2024-03-01T12:00:00Z)',
  email: 'is not an email address',
};

const count = (n: unknown) => Number(n).toLocaleString('en-US');

/** One short reason per failed rule; identical reasons group in the report. */
function describe(error: ValueError): string {
  const schema = error.schema as TSchema;
  if (error.type === ValueErrorType.ObjectRequiredProperty) return 'is required';
  if (error.type === ValueErrorType.Union) return describeChoice(error);
  if (schema.type === 'integer') {
    return `must be a whole number from ${schema.minimum} to ${schema.maximum}`;
  }
  switch (error.type) {
    case ValueErrorType.StringMaxLength:
      return `is longer than ${count(schema.maxLength)} characters`;
    case ValueErrorType.StringFormat:
      return FORMAT_HINTS[String(schema.format)] ?? `is not a valid ${schema.format}`;
    case ValueErrorType.StringPattern:
    case ValueErrorType.StringMinLength:
      return 'is blank';
    case ValueErrorType.String:
      return 'must be text';
    case ValueErrorType.Array:
      return 'must be a list';
    case ValueErrorType.ArrayMaxItems:
      return `has more than ${count(schema.maxItems)} values`;
    case ValueErrorType.ArrayUniqueItems:
      return 'has the same value twice';
    default:
      return `is not valid (${error.message})`;
  }
}

/** A choice of literals (a status) names the choices. */
function describeChoice(error: ValueError): string {
  const variants = (error.schema.anyOf ?? []) as TSchema[];
  if (!variants.every((variant) => 'const' in variant)) return `is not valid (${error.message})`;
  return `must be one of ${variants.map((variant) => variant.const).join(', ')}`;
}
