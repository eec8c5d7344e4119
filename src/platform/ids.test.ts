import { describe, expect, it } from 'vitest';
import { isId, newId } from './ids.js';

describe('ids', () => {
  it('are prefixed and carry 26 base32 characters', () => {
    const id = newId('testimonial');
    expect(id).toMatch(/^tst_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(isId('testimonial', id)).toBe(true);
    expect(isId('form', id)).toBe(false);
  });

  it('sort in minting order within one millisecond and across milliseconds', () => {
    const now = Date.now() + 10_000;
    const ids = [
      newId('event', now),
      newId('event', now),
      newId('event', now),
      newId('event', now + 1),
    ];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
  });

  it('encode an explicit earlier time so back-filled records sort by their own date', () => {
    const old = newId('testimonial', Date.parse('2011-04-27T00:00:00Z'));
    const older = newId('testimonial', Date.parse('2008-08-18T00:00:00Z'));
    expect(older < old).toBe(true);
    expect(old < newId('testimonial')).toBe(true);
  });
});
