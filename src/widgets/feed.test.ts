import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, testDialects, type TestContext } from '../../test/support/harness.js';
import { FEED_RECHECK_MS, PublicFeeds } from './feed.js';

const dialects = await testDialects();

const PUBLIC_FIELDS = [
  'author_avatar_url',
  'author_company',
  'author_name',
  'author_title',
  'created_at',
  'featured',
  'id',
  'rating',
  'text',
  'title',
  'verified',
];

describe.each(dialects)('public widget feed (%s)', (dialect) => {
  let t: TestContext;
  let formId: string;
  let day = 0;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    const form = await t.services.db.kysely
      .selectFrom('forms')
      .select('id')
      .where('workspace_id', '=', t.workspaceId)
      .executeTakeFirstOrThrow();
    formId = form.id;
  });
  afterAll(async () => {
    await t.close();
  });

  /** Each testimonial is one day newer than the last, so the expected order is known. */
  async function testimonial(body: Record<string, unknown>, key?: string): Promise<string> {
    day += 1;
    const created_at = new Date(Date.UTC(2025, 0, day)).toISOString();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/testimonials',
      headers: t.auth(key),
      payload: { text: 'Good', author_name: 'Someone', created_at, ...body },
    });
    expect(res.statusCode).toBe(201);
    return res.json().id;
  }

  async function widget(settings: Record<string, unknown>): Promise<string> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/widgets',
      headers: t.auth(),
      payload: { name: 'Feed test', settings },
    });
    expect(res.statusCode).toBe(201);
    return res.json().id;
  }

  function feed(id: string, headers: Record<string, string> = {}) {
    return t.app.inject({ url: `/public/v1/widgets/${id}`, headers });
  }

  function patchTestimonial(id: string, payload: Record<string, unknown>) {
    return t.app.inject({
      method: 'PATCH',
      url: `/v1/testimonials/${id}`,
      headers: t.auth(),
      payload,
    });
  }

  it('shows only approved testimonials that pass the filter, newest first, and no email', async () => {
    const shown = { status: 'approved', tags: ['f1'], form_id: formId };
    const a = await testimonial({
      ...shown,
      rating: 5,
      featured: true,
      author_email: 'ada@customer.example',
      author_title: 'CTO',
      author_company: 'Acme',
      title: 'Superb',
    });
    const b = await testimonial({ ...shown, rating: 4, author_email: 'bo@customer.example' });
    await testimonial({ ...shown, rating: 3 });
    await testimonial({ ...shown, status: 'pending', rating: 5 });
    await testimonial({ ...shown, status: 'rejected', rating: 5 });
    await testimonial({ ...shown, status: 'archived', rating: 5 });
    await testimonial({ ...shown, tags: ['other'], rating: 5 });
    await testimonial({ ...shown, form_id: null, rating: 5 });
    const other = await t.createWorkspace();
    await testimonial({ status: 'approved', tags: ['f1'], rating: 5 }, other.apiKey);

    const id = await widget({ min_rating: 4, tags: ['f1', 'unused'], form_ids: [formId] });
    const res = await feed(id);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = res.json();
    expect(body.testimonials.map((x: { id: string }) => x.id)).toEqual([b, a]);
    expect(body.summary).toEqual({ count: 2, rating_count: 2, average: 4.5, rating_rounded: 4.5 });
    // The visitor's browser gets what it draws with, never the filters (tags, form ids).
    expect(Object.keys(body)).toEqual([
      'widget',
      'branding',
      'version',
      'summary',
      'testimonials',
      'next_cursor',
      'json_ld',
    ]);
    expect(body.widget).toMatchObject({
      id,
      kind: 'grid',
      slug: expect.stringMatching(/^feed-test-/),
    });
    expect(body.widget.display).toMatchObject({ theme: 'light', language: 'auto', live: true });
    expect(body.widget.display).not.toHaveProperty('tags');
    expect(body.widget.display).not.toHaveProperty('form_ids');
    expect(res.body).not.toContain(formId);
    expect(body.branding).toEqual({ powered_by: true });
    expect(body.next_cursor).toBeNull();
    expect(body.json_ld).toBeNull();
    expect(body.testimonials[1]).toEqual({
      id: a,
      rating: 5,
      title: 'Superb',
      text: 'Good',
      author_name: 'Someone',
      author_title: 'CTO',
      author_company: 'Acme',
      author_avatar_url: null,
      featured: true,
      verified: false,
      created_at: '2025-01-01T00:00:00.000Z',
    });
    for (const item of body.testimonials) expect(Object.keys(item).sort()).toEqual(PUBLIC_FIELDS);
    expect(res.body).not.toContain('@');

    const featured = await widget({ tags: ['f1'], featured_only: true });
    const featuredBody = (await feed(featured)).json();
    expect(featuredBody.testimonials.map((x: { id: string }) => x.id)).toEqual([a]);
  });

  it('summarizes every matching testimonial, not only the page it shows', async () => {
    for (const rating of [5, 4, 4, null]) {
      await testimonial({ status: 'approved', tags: ['sum'], rating });
    }
    const id = await widget({ tags: ['sum'], limit: 1 });
    const body = (await feed(id)).json();
    expect(body.testimonials).toHaveLength(1);
    expect(body.testimonials[0].rating).toBeNull();
    expect(body.summary).toEqual({
      count: 4,
      rating_count: 3,
      average: 4.33,
      rating_rounded: 4.5,
    });
  });

  it('shows an empty feed with no average and no stars when nothing matches', async () => {
    const id = await widget({ tags: ['nobody-has-this'] });
    const body = (await feed(id)).json();
    expect(body.testimonials).toEqual([]);
    expect(body.summary).toEqual({
      count: 0,
      rating_count: 0,
      average: null,
      rating_rounded: null,
    });
  });

  it('reflects approving, editing and deleting on the very next request, with a new ETag', async () => {
    const id = await widget({ tags: ['live'] });
    const pending = await testimonial({ tags: ['live'], rating: 2, text: 'First words' });
    const empty = await feed(id);
    expect(empty.json().testimonials).toEqual([]);
    const etags = [empty.headers.etag];

    await patchTestimonial(pending, { status: 'approved' });
    const approved = await feed(id);
    expect(approved.json().testimonials.map((x: { text: string }) => x.text)).toEqual([
      'First words',
    ]);
    expect(approved.json().summary.average).toBe(2);
    etags.push(approved.headers.etag);

    await patchTestimonial(pending, { text: 'Second words', rating: 3 });
    const edited = await feed(id);
    expect(edited.json().testimonials[0]).toMatchObject({ text: 'Second words', rating: 3 });
    expect(edited.json().summary.average).toBe(3);
    etags.push(edited.headers.etag);

    const del = await t.app.inject({
      method: 'DELETE',
      url: `/v1/testimonials/${pending}`,
      headers: t.auth(),
    });
    expect(del.statusCode).toBe(200);
    const deleted = await feed(id);
    expect(deleted.json().testimonials).toEqual([]);
    expect(deleted.json().summary.count).toBe(0);
    etags.push(deleted.headers.etag);

    for (const etag of etags) expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    // The body carries the content version (for the live stream), so every change is a new ETag.
    expect(new Set(etags).size).toBe(4);
    expect(deleted.json().version).toBeGreaterThan(empty.json().version);
  });

  it('reflects a change of the widget itself, and a deleted widget is gone', async () => {
    await testimonial({ status: 'approved', tags: ['wset'], rating: 2 });
    await testimonial({ status: 'approved', tags: ['wset'], rating: 5 });
    const id = await widget({ tags: ['wset'] });
    expect((await feed(id)).json().testimonials).toHaveLength(2);

    await t.app.inject({
      method: 'PATCH',
      url: `/v1/widgets/${id}`,
      headers: t.auth(),
      payload: { settings: { min_rating: 5 } },
    });
    const narrowed = (await feed(id)).json();
    expect(narrowed.testimonials.map((x: { rating: number }) => x.rating)).toEqual([5]);

    await t.app.inject({ method: 'DELETE', url: `/v1/widgets/${id}`, headers: t.auth() });
    const gone = await feed(id);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe('not_found');
  });

  it('answers 304 without a body when If-None-Match names the current ETag', async () => {
    const id = await widget({});
    const first = await feed(id);
    const etag = first.headers.etag as string;
    expect(first.headers['cache-control']).toBe('public, no-cache');

    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await feed(id, { 'if-none-match': header });
      expect([header, again.statusCode, again.body]).toEqual([header, 304, '']);
      expect(again.headers.etag).toBe(etag);
      expect(again.headers['cache-control']).toBe('public, no-cache');
      expect(again.headers['access-control-allow-origin']).toBe('*');
      expect(again.headers['content-length']).toBeUndefined();
    }
    const stale = await feed(id, { 'if-none-match': '"stale"' });
    expect(stale.statusCode).toBe(200);
    expect(stale.body).toBe(first.body);
  });

  it('serves the cached body until the content version moves, in every process', async () => {
    const id = await widget({ tags: ['cache'] });
    const tid = await testimonial({ status: 'approved', tags: ['cache'], text: 'Cached text' });
    // Another process hears of nothing: it re-reads the version once FEED_RECHECK_MS passed.
    let secondNowMs = Date.UTC(2026, 0, 1);
    const secondProcess = new PublicFeeds(t.services.db.kysely, { nowMs: () => secondNowMs });
    expect((await feed(id)).json().testimonials[0].text).toBe('Cached text');
    expect(
      JSON.parse(secondProcess.page(await secondProcess.load(id)).body.toString()).testimonials[0]
        .text,
    ).toBe('Cached text');

    // A write behind the service's back (no version bump) stays invisible: proof that a
    // warm request does not query testimonials again.
    await t.services.db.kysely
      .updateTable('testimonials')
      .set({ text: 'Changed silently' })
      .where('id', '=', tid)
      .execute();
    expect((await feed(id)).json().testimonials[0].text).toBe('Cached text');

    // A change through the service bumps the version in the database: this process sees
    // it on the next request, the other one within the bound.
    await patchTestimonial(tid, { text: 'Changed properly' });
    expect((await feed(id)).json().testimonials[0].text).toBe('Changed properly');
    const secondText = async () =>
      JSON.parse(secondProcess.page(await secondProcess.load(id)).body.toString()).testimonials[0]
        .text;
    secondNowMs += FEED_RECHECK_MS - 1;
    expect(await secondText()).toBe('Cached text');
    secondNowMs += 1;
    expect(await secondText()).toBe('Changed properly');
  });

  it('is readable from any origin without credentials, preflight included', async () => {
    const id = await widget({});
    const res = await feed(id, { origin: 'https://customer.example' });
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(String(res.headers['access-control-expose-headers'])).toContain('etag');

    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: `/public/v1/widgets/${id}`,
      headers: {
        origin: 'https://customer.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'if-none-match',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('GET');
    expect(String(preflight.headers['access-control-allow-headers'])).toContain('if-none-match');
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('answers an unknown widget with a 404 problem that still carries CORS headers', async () => {
    for (const id of ['wgt_00000000000000000000000000', 'not-even-an-id']) {
      const res = await feed(id, { origin: 'https://customer.example' });
      expect([id, res.statusCode, res.json().code]).toEqual([id, 404, 'not_found']);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['access-control-allow-origin']).toBe('*');
    }
  });

  const ids = (body: { testimonials: { id: string }[] }) => body.testimonials.map((x) => x.id);

  it('orders by highest rating (unrated last), featured first, or newest, ties newest first', async () => {
    const three = await testimonial({ status: 'approved', tags: ['ord'], rating: 3 });
    const five = await testimonial({ status: 'approved', tags: ['ord'], rating: 5 });
    const none = await testimonial({ status: 'approved', tags: ['ord'], featured: true });
    const four = await testimonial({ status: 'approved', tags: ['ord'], rating: 4 });
    const fiveToo = await testimonial({ status: 'approved', tags: ['ord'], rating: 5 });

    const newest = (await feed(await widget({ tags: ['ord'] }))).json();
    expect(ids(newest)).toEqual([fiveToo, four, none, five, three]);
    const best = (await feed(await widget({ tags: ['ord'], order: 'highest_rated' }))).json();
    expect(ids(best)).toEqual([fiveToo, five, four, three, none]);
    const featured = (await feed(await widget({ tags: ['ord'], order: 'featured_first' }))).json();
    expect(ids(featured)).toEqual([none, fiveToo, four, five, three]);
    const chosen = (await feed(await widget({ tags: ['ord'], ids: [three, four] }))).json();
    expect(ids(chosen)).toEqual([four, three]);
  });

  it('samples ratings in proportion when stratified: 10 fives, 5 fours, 5 threes', async () => {
    for (const rating of [...Array(10).fill(5), ...Array(5).fill(4), ...Array(5).fill(3)]) {
      await testimonial({ status: 'approved', tags: ['strat'], rating });
    }
    const body = (
      await feed(await widget({ tags: ['strat'], order: 'stratified', limit: 8 }))
    ).json();
    expect(body.testimonials.map((x: { rating: number }) => x.rating)).toEqual([
      5, 4, 3, 5, 5, 4, 3, 5,
    ]);
  });

  it('shuffles a random order the same way for every request of a day, and anew the next day', async () => {
    for (let i = 0; i < 12; i++) await testimonial({ status: 'approved', tags: ['rnd'] });
    const id = await widget({ tags: ['rnd'], order: 'random' });
    const firstDay = new PublicFeeds(t.services.db.kysely, {
      nowMs: () => Date.UTC(2026, 0, 1, 9),
    });
    const sameDay = new PublicFeeds(t.services.db.kysely, {
      nowMs: () => Date.UTC(2026, 0, 1, 23),
    });
    const nextDay = new PublicFeeds(t.services.db.kysely, { nowMs: () => Date.UTC(2026, 0, 2, 1) });
    const order = async (feeds: PublicFeeds) => (await feeds.load(id)).items.map((x) => x.id);
    const a = await order(firstDay);
    expect(await order(sameDay)).toEqual(a);
    expect(await order(nextDay)).not.toEqual(a);
    expect([...(await order(nextDay))].sort()).toEqual([...a].sort());
    const newest = ids((await feed(await widget({ tags: ['rnd'] }))).json());
    expect(a).not.toEqual(newest);
  });

  it('pages with cursors, neither skipping nor repeating when an item before the cursor goes', async () => {
    const made: string[] = [];
    for (let i = 0; i < 7; i++)
      made.push(await testimonial({ status: 'approved', tags: ['page'] }));
    const newestFirst = [...made].reverse();
    const id = await widget({ tags: ['page'], limit: 3 });

    const first = (await feed(id)).json();
    expect(ids(first)).toEqual(newestFirst.slice(0, 3));
    expect(first.next_cursor).toBe(`3.${newestFirst[2]}`);
    // The first shown item is deleted before the visitor asks for more.
    await t.app.inject({
      method: 'DELETE',
      url: `/v1/testimonials/${newestFirst[0]}`,
      headers: t.auth(),
    });
    const second = (
      await t.app.inject({ url: `/public/v1/widgets/${id}?cursor=${first.next_cursor}` })
    ).json();
    expect(ids(second)).toEqual(newestFirst.slice(3, 6));
    expect(second.json_ld).toBeNull();
    const third = (
      await t.app.inject({ url: `/public/v1/widgets/${id}?cursor=${second.next_cursor}` })
    ).json();
    expect(ids(third)).toEqual(newestFirst.slice(6));
    expect(third.next_cursor).toBeNull();

    const bad = await t.app.inject({ url: `/public/v1/widgets/${id}?cursor=not-a-cursor` });
    expect([bad.statusCode, bad.json().code]).toEqual([422, 'validation_failed']);
    const noMore = (
      await feed(await widget({ tags: ['page'], limit: 3, load_more: false }))
    ).json();
    expect(noMore.next_cursor).toBeNull();
  });

  it('keeps only https avatar URLs or our own, dropping script, data and plain-http ones', async () => {
    const urls = {
      'https://cdn.example/ada.png': 'https://cdn.example/ada.png',
      'http://127.0.0.1:3000/media/own.png': 'http://127.0.0.1:3000/media/own.png',
      'javascript:alert(1)': null,
      'data:image/svg+xml,<svg onload=alert(1)>': null,
      'http://tracker.example/pixel.png': null,
    };
    for (const url of Object.keys(urls)) {
      const tid = await testimonial({ status: 'approved', tags: ['avatar'], author_name: url });
      await t.services.db.kysely
        .updateTable('testimonials')
        .set({ author_avatar_url: url } as never)
        .where('id', '=', tid)
        .execute();
    }
    const body = (await feed(await widget({ tags: ['avatar'] }))).json();
    const shown = Object.fromEntries(
      body.testimonials.map((x: { author_name: string; author_avatar_url: string | null }) => [
        x.author_name,
        x.author_avatar_url,
      ]),
    );
    expect(shown).toEqual(urls);
  });

  it('announces feed changes to live widgets once per transaction, not for pending submissions', async () => {
    const announces = async () =>
      Number(
        (
          await t.services.db.kysely
            .selectFrom('jobs')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('kind', '=', 'widgets.announce')
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await announces();
    const pending = await testimonial({ status: 'pending' });
    expect(await announces()).toBe(before);
    await testimonial({ status: 'approved' }); // created + approved events: one job
    expect(await announces()).toBe(before + 1);
    await patchTestimonial(pending, { status: 'approved' });
    expect(await announces()).toBe(before + 2);
  });
});
