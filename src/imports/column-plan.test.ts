import { describe, expect, it } from 'vitest';
import { planColumns } from './column-plan.js';
import { ImportSetupError } from './import-setup-error.js';

describe('planning where each column goes', () => {
  it('uses accepted columns as they are', () => {
    expect([...planColumns(['text', 'author_name', 'rating'])]).toEqual([
      ['text', 'text'],
      ['author_name', 'author_name'],
      ['rating', 'rating'],
    ]);
  });

  it('names every unknown column in one error', () => {
    const plan = () => planColumns(['review_id', 'text', 'body', 'author_name', '']);
    expect(plan).toThrow(ImportSetupError);
    expect(plan).toThrow(/^unknown columns: "review_id", "body", ""\. Map each to a field/);
  });

  it('maps and ignores columns', () => {
    const plan = planColumns(['review_id', 'body', 'reviewed_at', 'author_name'], {
      map: { body: 'text', reviewed_at: 'created_at' },
      ignore: ['review_id'],
    });
    expect([...plan]).toEqual([
      ['body', 'text'],
      ['reviewed_at', 'created_at'],
      ['author_name', 'author_name'],
    ]);
  });

  it('ignores a column that the file does not have without complaint', () => {
    expect([...planColumns(['text'], { ignore: ['votes'] })]).toEqual([['text', 'text']]);
  });

  it.each([
    [{ map: { body: 'content' } }, '--map body=content: not a field. Fields: author_name,'],
    [{ map: { bdy: 'text' } }, '--map names columns the file does not have: "bdy"'],
    [{ map: { body: 'text' }, ignore: ['body'] }, 'columns both mapped and ignored: "body"'],
    [
      { map: { body: 'text' } },
      'field text would be filled by more than one column: "text", "body"',
    ],
  ])('refuses %j', (options, message) => {
    expect(() => planColumns(['text', 'body'], options)).toThrow(message);
  });
});
