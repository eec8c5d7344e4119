/**
 * Rule conditions: `{field, op, value}` over a run's context, all of which must hold.
 * Fields are dotted paths into the context: `properties.score`, `type`,
 * `contact.attributes.segment`, `contact.email`, `testimonial.rating`, `testimonial.tags`.
 */

export const CONDITION_OPS = [
  '=',
  '!=',
  '>',
  '>=',
  '<',
  '<=',
  'contains',
  'not_contains',
  'in',
  'exists',
  'not_exists',
] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export interface Condition {
  field: string;
  op: ConditionOp;
  value?: unknown;
}

export const FIELD_ROOTS = ['type', 'occurred_at', 'properties', 'contact', 'testimonial'] as const;

/** What a rule's conditions see: the event, its contact and, for testimonial triggers, the testimonial. */
export type RuleContext = Record<string, unknown>;

export function readPath(context: RuleContext, path: string): unknown {
  let value: unknown = context;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    if (!Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Numbers compare as numbers (a score sent as "10" still counts); everything else exactly. */
function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return Number(value);
  }
  return undefined;
}

function equals(actual: unknown, expected: unknown): boolean {
  const a = asNumber(actual);
  const b = asNumber(expected);
  if (a !== undefined && b !== undefined) return a === b;
  if (typeof actual === 'string' && typeof expected === 'string') {
    return actual.toLowerCase() === expected.toLowerCase();
  }
  return actual === expected;
}

function compare(actual: unknown, expected: unknown, test: (a: number, b: number) => boolean) {
  const a = asNumber(actual);
  const b = asNumber(expected);
  if (a !== undefined && b !== undefined) return test(a, b);
  if (typeof actual === 'string' && typeof expected === 'string') {
    return test(actual.localeCompare(expected), 0);
  }
  return false;
}

function contains(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(actual)) return actual.some((item) => equals(item, expected));
  if (typeof actual === 'string' && typeof expected === 'string') {
    return actual.toLowerCase().includes(expected.toLowerCase());
  }
  return false;
}

export function holds(condition: Condition, context: RuleContext): boolean {
  const actual = readPath(context, condition.field);
  const expected = condition.value;
  switch (condition.op) {
    case '=':
      return equals(actual, expected);
    case '!=':
      return actual !== undefined && !equals(actual, expected);
    case '>':
      return compare(actual, expected, (a, b) => a > b);
    case '>=':
      return compare(actual, expected, (a, b) => a >= b);
    case '<':
      return compare(actual, expected, (a, b) => a < b);
    case '<=':
      return compare(actual, expected, (a, b) => a <= b);
    case 'contains':
      return contains(actual, expected);
    case 'not_contains':
      return !contains(actual, expected);
    case 'in':
      return Array.isArray(expected) && expected.some((item) => equals(actual, item));
    case 'exists':
      return actual !== undefined && actual !== null;
    case 'not_exists':
      return actual === undefined || actual === null;
  }
}

/** Which conditions failed, in order; empty means the rule matches. */
export function failedConditions(conditions: Condition[], context: RuleContext): Condition[] {
  return conditions.filter((condition) => !holds(condition, context));
}
