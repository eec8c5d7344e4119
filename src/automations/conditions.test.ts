import { describe, expect, it } from 'vitest';
import { failedConditions, holds, type Condition } from './conditions.js';

const context = {
  type: 'nps.responded',
  properties: { score: 10, comment: 'Love it', plan: 'pro' },
  contact: { email: 'ada@example.com', attributes: { segment: 'Enterprise', seats: '40' } },
  testimonial: { rating: 5, tags: ['billing', 'support'], verified: true },
};

const check = (field: string, op: Condition['op'], value?: unknown) =>
  holds({ field, op, value }, context);

describe('rule conditions', () => {
  it('compares numbers as numbers, also when sent as text', () => {
    expect(check('properties.score', '>=', 9)).toBe(true);
    expect(check('properties.score', '>', 10)).toBe(false);
    expect(check('contact.attributes.seats', '>', 9)).toBe(true);
    expect(check('properties.score', '=', '10')).toBe(true);
  });

  it('matches text without regard to case, and list membership', () => {
    expect(check('contact.attributes.segment', '=', 'enterprise')).toBe(true);
    expect(check('contact.attributes.segment', '!=', 'enterprise')).toBe(false);
    expect(check('testimonial.tags', 'contains', 'billing')).toBe(true);
    expect(check('testimonial.tags', 'not_contains', 'billing')).toBe(false);
    expect(check('properties.plan', 'in', ['team', 'pro'])).toBe(true);
    expect(check('testimonial.verified', '=', true)).toBe(true);
  });

  it('treats missing fields as not matching, never as zero', () => {
    expect(check('properties.missing', '<', 5)).toBe(false);
    expect(check('properties.missing', '!=', 5)).toBe(false);
    expect(check('properties.missing', 'exists')).toBe(false);
    expect(check('properties.missing', 'not_exists')).toBe(true);
    expect(check('properties.score.deeper', '=', 1)).toBe(false);
    expect(check('constructor', 'exists')).toBe(false);
  });

  it('lists the conditions that failed', () => {
    const conditions: Condition[] = [
      { field: 'properties.score', op: '>=', value: 9 },
      { field: 'contact.attributes.segment', op: '=', value: 'smb' },
    ];
    expect(failedConditions(conditions, context)).toEqual([conditions[1]]);
  });
});
