import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestContext,
  testDialects,
  type TestContext,
} from '../../../test/support/harness.js';

const dialects = await testDialects();

/*
 * PostgreSQL cannot store U+0000 in text and refuses the whole statement; that is bad
 * input, so it must come back as a 4xx problem, never a 500 (public routes included).
 */
describe.each(dialects)('a NUL character in input (%s)', (dialect) => {
  let t: TestContext;

  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(async () => t.close());

  it('is a 4xx problem in a public path, an API path and a JSON body', async () => {
    const feed = await t.app.inject({ url: '/public/v1/widgets/wgt_%00' });
    const one = await t.app.inject({ url: '/v1/testimonials/tst_%00', headers: t.auth() });
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/testimonials',
      headers: t.auth(),
      payload: { author_name: 'N\u0000ul', text: 'a\u0000b' },
    });

    if (dialect === 'postgres') {
      for (const res of [feed, one, created]) {
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect([res.statusCode, res.json().code]).toEqual([422, 'validation_failed']);
        expect(res.json().detail).toBe('text must not contain the NUL character (U+0000)');
      }
    } else {
      // SQLite stores the character like any other.
      expect([feed.statusCode, one.statusCode, created.statusCode]).toEqual([404, 404, 201]);
    }
  });

  it('answers an id over the router length limit with 404, a badly encoded URL with 400', async () => {
    const long = await t.app.inject({
      url: `/v1/testimonials/tst_${'a'.repeat(120)}`,
      headers: t.auth(),
    });
    expect([long.statusCode, long.json().code]).toEqual([404, 'not_found']);
    const bad = await t.app.inject({ url: '/v1/testimonials/%E0%A4%A', headers: t.auth() });
    expect([bad.statusCode, bad.json().detail]).toEqual([
      400,
      'The URL is not valid percent-encoded UTF-8.',
    ]);
  });
});
