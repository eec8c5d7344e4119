import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, testDialects, type TestContext } from '../../test/support/harness.js';

const dialects = await testDialects();

describe.each(dialects)('testimonials API (%s)', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(async () => {
    await t.close();
  });

  async function create(body: Record<string, unknown>) {
    return t.app.inject({
      method: 'POST',
      url: '/v1/testimonials',
      headers: t.auth(),
      payload: body,
    });
  }

  it('creates a testimonial and reads it back', async () => {
    const res = await create({
      text: 'Great product 😍',
      author_name: 'Zoë',
      rating: 5,
      tags: ['billing'],
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.id).toMatch(/^tst_[0-9a-z]{26}$/);
    expect(body).toMatchObject({
      status: 'pending',
      source: 'api',
      text: 'Great product 😍',
      tags: ['billing'],
    });
    const got = await t.app.inject({ url: `/v1/testimonials/${body.id}`, headers: t.auth() });
    expect(got.statusCode).toBe(200);
    expect(got.json().author_name).toBe('Zoë');
    expect(got.headers['request-id']).toMatch(/^req_/);
  });

  it('records testimonial.created in the event log', async () => {
    const created = (await create({ text: 'Events!', author_name: 'Ev' })).json();
    const row = await t.services.db.kysely
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'testimonial.created')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.data).id).toBe(created.id);
  });

  it('rejects bad input with a 422 naming each field', async () => {
    const res = await create({
      text: 'x'.repeat(120_000),
      author_name: '',
      rating: 9,
      colour: 'red',
    });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const fields = res.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['/text', '/author_name', '/rating', '/colour']));
  });

  it('answers malformed JSON with 400 and unknown routes with 404', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/testimonials',
      headers: { ...t.auth(), 'content-type': 'application/json' },
      payload: '{"text": ',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('malformed_json');
    const missing = await t.app.inject({ url: '/v1/nothing-here', headers: t.auth() });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('route_not_found');
  });

  it('refuses missing, bad and query-string keys', async () => {
    const none = await t.app.inject({ url: '/v1/testimonials' });
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe('unauthorized');
    const bad = await t.app.inject({
      url: '/v1/testimonials',
      headers: { authorization: 'Bearer st_live_nope' },
    });
    expect(bad.statusCode).toBe(401);
    const query = await t.app.inject({ url: `/v1/testimonials?api_key=${t.apiKey}` });
    expect(query.statusCode).toBe(400);
    expect(query.json().code).toBe('api_key_in_query');
    expect(t.logs.join('\n')).not.toContain(t.apiKey);
  });

  it('paginates without skipping or repeating rows that share a timestamp', async () => {
    const sameTime = '2020-05-05T10:00:00.000Z';
    const ids = new Set<string>();
    for (let i = 0; i < 7; i++) {
      const res = await create({
        text: `same ${i}`,
        author_name: 'Tie',
        created_at: sameTime,
        tags: ['tie'],
      });
      ids.add(res.json().id);
    }
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const url = `/v1/testimonials?tag=tie&limit=3${after ? `&starting_after=${after}` : ''}`;
      const page = (await t.app.inject({ url, headers: t.auth() })).json();
      seen.push(...page.data.map((d: { id: string }) => d.id));
      if (!page.has_more) break;
      after = page.data.at(-1).id;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(ids);
  });
});
