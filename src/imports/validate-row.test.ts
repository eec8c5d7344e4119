import { describe, expect, it } from 'vitest';
import { planColumns } from './column-plan.js';
import { IMPORT_FIELDS } from './fields.js';
import { checkRow } from './validate-row.js';

const plan = planColumns([...IMPORT_FIELDS]);
const base = { author_name: 'Ana', text: 'Lovely' };

describe('checking an import row against the API rules', () => {
  it('turns CSV text into API values: numbers, tag lists, blank cells as absent', () => {
    const check = checkRow(
      { ...base, rating: ' 4 ', tags: 'billing, support ,', title: '  ', author_email: 'a@b.co' },
      plan,
      'pending',
    );
    expect(check).toEqual({
      ok: true,
      input: {
        author_name: 'Ana',
        text: 'Lovely',
        rating: 4,
        tags: ['billing', 'support'],
        author_email: 'a@b.co',
        status: 'pending',
      },
    });
  });

  it('gives rows without a status the default, and keeps a status the row has', () => {
    expect(checkRow(base, plan, 'approved')).toMatchObject({ input: { status: 'approved' } });
    expect(checkRow({ ...base, status: 'rejected' }, plan, 'approved')).toMatchObject({
      input: { status: 'rejected' },
    });
  });

  it.each([
    [{ author_name: 'Ana' }, 'text is required'],
    [{ ...base, text: '   ' }, 'text is required'],
    [{ text: 'Hi' }, 'author_name is required'],
    [{ ...base, rating: '6' }, 'rating must be a whole number from 1 to 5'],
    [{ ...base, rating: '4.5' }, 'rating must be a whole number from 1 to 5'],
    [{ ...base, rating: 'five' }, 'rating must be a whole number from 1 to 5'],
    [{ ...base, text: 'x'.repeat(5_001) }, 'text is longer than 5,000 characters'],
    [{ ...base, title: 't'.repeat(201) }, 'title is longer than 200 characters'],
    [{ ...base, author_email: 'not-an-email' }, 'author_email is not an email address'],
    [
      { ...base, status: 'published' },
      'status must be one of pending, approved, rejected, archived',
    ],
    [{ ...base, tags: 'a,a' }, 'tags has the same value twice'],
    [{ ...base, tags: 'x'.repeat(51) }, 'tags has an item that is longer than 50 characters'],
    [{ ...base, text: 42 }, 'text must be text'],
  ])('rejects %j: %s', (values, reason) => {
    expect(checkRow(values, plan, 'pending')).toEqual({ ok: false, reasons: [reason] });
  });

  it('lists one reason per bad field', () => {
    expect(checkRow({ rating: '0' }, plan, 'pending')).toEqual({
      ok: false,
      reasons: [
        'text is required',
        'author_name is required',
        'rating must be a whole number from 1 to 5',
      ],
    });
  });

  it('counts length in characters as the API does, so 5,000 emoji fit and 5,001 do not', () => {
    expect(checkRow({ ...base, text: '😍'.repeat(5_000) }, plan, 'pending').ok).toBe(true);
    expect(checkRow({ ...base, title: '😍'.repeat(200) }, plan, 'pending').ok).toBe(true);
    expect(checkRow({ ...base, text: '😍'.repeat(5_001) }, plan, 'pending')).toEqual({
      ok: false,
      reasons: ['text is longer than 5,000 characters'],
    });
  });

  it('accepts JSON values as they are: numbers, tag arrays, null as absent', () => {
    const check = checkRow({ ...base, rating: 5, tags: [' vip '], title: null }, plan, 'pending');
    expect(check).toEqual({
      ok: true,
      input: { ...base, rating: 5, tags: ['vip'], status: 'pending' },
    });
  });
});
