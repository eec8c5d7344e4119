import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, testDialects, type TestContext } from '../../test/support/harness.js';
import { createApiKey } from '../auth/api-keys.js';
import { DEFAULT_WIDGET_SETTINGS } from './defaults.js';
import { WIDGET_KINDS } from './schema.js';

const dialects = await testDialects();

describe.each(dialects)('widgets API (%s)', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(async () => {
    await t.close();
  });

  async function create(body: Record<string, unknown>, key?: string) {
    return t.app.inject({
      method: 'POST',
      url: '/v1/widgets',
      headers: t.auth(key),
      payload: body,
    });
  }

  async function contentVersion(): Promise<number> {
    const row = await t.services.db.kysely
      .selectFrom('workspaces')
      .select('content_version')
      .where('id', '=', t.workspaceId)
      .executeTakeFirstOrThrow();
    return Number(row.content_version);
  }

  it('creates a grid widget with default settings and its embed code', async () => {
    const res = await create({ name: '  Home page  ' });
    expect(res.statusCode).toBe(201);
    const widget = res.json();
    expect(widget.id).toMatch(/^wgt_[0-9a-z]{26}$/);
    expect(widget).toMatchObject({
      object: 'widget',
      name: 'Home page',
      kind: 'grid',
      settings: DEFAULT_WIDGET_SETTINGS,
    });
    expect(widget.slug).toMatch(/^home-page-[0-9a-z]{6}$/);
    expect(widget.embed).toEqual({
      script:
        '<script src="http://127.0.0.1:3000/embed.js" async></script>\n' +
        `<div data-showtrust-widget="${widget.id}" data-showtrust-layout="grid">` +
        '<svg slot="reserve" width="1" height="576" display="block" aria-hidden="true">' +
        '<set attributeName="height" to="0" begin="8s" fill="freeze"/></svg></div>',
      iframe:
        '<script src="http://127.0.0.1:3000/embed.js" async></script>\n' +
        `<iframe src="http://127.0.0.1:3000/embed/${widget.id}" title="Testimonials" ` +
        'width="100%" height="576" loading="lazy" data-showtrust-frame></iframe>',
      html_url: `http://127.0.0.1:3000/public/v1/widgets/${widget.id}?format=html`,
      wall_url: `http://127.0.0.1:3000/w/${widget.slug}`,
    });
    const got = await t.app.inject({ url: `/v1/widgets/${widget.id}`, headers: t.auth() });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(widget);
  });

  it('stores the bootstrap widget with the same settings schema', async () => {
    const got = await t.app.inject({ url: `/v1/widgets/${t.widgetId}`, headers: t.auth() });
    expect(got.statusCode).toBe(200);
    expect(got.json().settings).toEqual(DEFAULT_WIDGET_SETTINGS);
  });

  it('merges a PATCH into the settings and bumps the content version', async () => {
    const form = await t.services.db.kysely
      .selectFrom('forms')
      .select('id')
      .where('workspace_id', '=', t.workspaceId)
      .executeTakeFirstOrThrow();
    const created = (await create({ name: 'Filtered', settings: { limit: 5 } })).json();
    const before = await contentVersion();

    const res = await t.app.inject({
      method: 'PATCH',
      url: `/v1/widgets/${created.id}`,
      headers: t.auth(),
      payload: { settings: { min_rating: 4, tags: ['vip'], form_ids: [form.id] } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().settings).toEqual({
      ...DEFAULT_WIDGET_SETTINGS,
      min_rating: 4,
      tags: ['vip'],
      form_ids: [form.id],
      limit: 5,
    });
    expect(res.json().name).toBe('Filtered');
    expect(await contentVersion()).toBe(before + 1);

    const cleared = await t.app.inject({
      method: 'PATCH',
      url: `/v1/widgets/${created.id}`,
      headers: t.auth(),
      payload: { name: 'Renamed', settings: { min_rating: null } },
    });
    expect(cleared.json()).toMatchObject({ name: 'Renamed', settings: { min_rating: null } });
    expect(await contentVersion()).toBe(before + 2);
  });

  it('rejects bad settings with a 422 naming each field', async () => {
    const res = await create({
      name: ' ',
      kind: 'carousel',
      settings: {
        min_rating: 6,
        limit: 101,
        tags: ['ok', 'ok'],
        featured_only: 'yes',
        class_name: 'x" onmouseover="alert(document.domain)',
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('validation_failed');
    const fields = res.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        '/name',
        '/kind',
        '/settings/min_rating',
        '/settings/limit',
        '/settings/tags',
        '/settings/featured_only',
        '/settings/class_name',
      ]),
    );

    const empty = await t.app.inject({
      method: 'PATCH',
      url: `/v1/widgets/${t.widgetId}`,
      headers: t.auth(),
      payload: {},
    });
    expect(empty.statusCode).toBe(422);
  });

  it.each(WIDGET_KINDS)(
    'creates a %s widget, with the embed code naming its layout',
    async (kind) => {
      const res = await create({ name: `A ${kind}`, kind });
      expect(res.statusCode).toBe(201);
      expect(res.json().kind).toBe(kind);
      expect(res.json().embed.script).toContain(`data-showtrust-layout="${kind}"`);
    },
  );

  it('rejects display settings that could inject markup or CSS, naming each field (C09)', async () => {
    const res = await create({
      name: 'Hostile',
      settings: {
        class_name: 'x" onmouseover="alert(document.domain)',
        accent_color: 'red;background:url(https://evil.example)',
        text_color: '#12345',
        corner_radius: 99,
        language: 'xx',
        theme: 'neon',
        order: 'best',
        excerpt_length: 10,
      },
    });
    expect(res.statusCode).toBe(422);
    const fields = res.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        '/settings/class_name',
        '/settings/accent_color',
        '/settings/text_color',
        '/settings/corner_radius',
        '/settings/language',
        '/settings/theme',
        '/settings/order',
        '/settings/excerpt_length',
      ]),
    );
    const fine = await create({
      name: 'Fine',
      settings: { class_name: 'brand-wall_2', accent_color: '#AA00ff' },
    });
    expect(fine.statusCode).toBe(201);
  });

  it('takes a chosen slug, refuses a taken or malformed one, and generates one otherwise', async () => {
    const first = await create({ name: 'Wall', slug: 'customer-love' });
    expect([first.statusCode, first.json().slug]).toEqual([201, 'customer-love']);
    const taken = await create({ name: 'Other', slug: 'customer-love' });
    expect([taken.statusCode, taken.json().code]).toEqual([409, 'conflict']);
    expect(taken.json().errors).toEqual([{ field: '/slug', message: 'is already taken' }]);
    for (const slug of ['Customer Love', 'a', 'x--y', '-x', 'wgt_123']) {
      const bad = await create({ name: 'Bad', slug });
      expect([slug, bad.statusCode]).toEqual([slug, 422]);
    }
    const generated = (await create({ name: 'Café Crème Été!' })).json();
    expect(generated.slug).toMatch(/^cafe-creme-ete-[0-9a-z]{6}$/);
    const arabic = (await create({ name: 'آراء' })).json();
    expect(arabic.slug).toMatch(/^wall-[0-9a-z]{6}$/);

    const moved = await t.app.inject({
      method: 'PATCH',
      url: `/v1/widgets/${generated.id}`,
      headers: t.auth(),
      payload: { slug: 'customer-love' },
    });
    expect([moved.statusCode, moved.json().code]).toEqual([409, 'conflict']);
    const own = await t.app.inject({
      method: 'PATCH',
      url: `/v1/widgets/${first.json().id}`,
      headers: t.auth(),
      payload: { slug: 'customer-love' },
    });
    expect(own.statusCode).toBe(200);
  });

  it("refuses explicit ids naming another workspace's testimonial", async () => {
    const other = await t.createWorkspace();
    const theirs = await t.app.inject({
      method: 'POST',
      url: '/v1/testimonials',
      headers: t.auth(other.apiKey),
      payload: { text: 'Theirs', author_name: 'B' },
    });
    const res = await create({ name: 'Borrowed', settings: { ids: [theirs.json().id] } });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([
      { field: '/settings/ids/0', message: 'is not a testimonial of this workspace' },
    ]);
  });

  it("refuses a form filter naming another workspace's form", async () => {
    const res = await create({ name: 'Bad forms', settings: { form_ids: ['frm_unknown'] } });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([
      { field: '/settings/form_ids/0', message: 'is not a form of this workspace' },
    ]);
  });

  it('lists newest first with cursor pagination, neither skipping nor repeating', async () => {
    const other = await t.createWorkspace();
    const made: string[] = [];
    for (let i = 0; i < 5; i++)
      made.push((await create({ name: `p${i}` }, other.apiKey)).json().id);

    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const query = `limit=2${after ? `&starting_after=${after}` : ''}`;
      const res = await t.app.inject({
        url: `/v1/widgets?${query}`,
        headers: t.auth(other.apiKey),
      });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      seen.push(...body.data.map((w: { id: string }) => w.id));
      if (!body.has_more) break;
      after = body.data.at(-1).id;
    }
    expect(seen).toEqual([...made].reverse());

    const badCursor = await t.app.inject({
      url: `/v1/widgets?starting_after=${t.widgetId}`,
      headers: t.auth(other.apiKey),
    });
    expect(badCursor.statusCode).toBe(422);
  });

  it('deletes a widget, after which it is gone', async () => {
    const created = (await create({ name: 'Short-lived' })).json();
    const before = await contentVersion();
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/v1/widgets/${created.id}`,
      headers: t.auth(),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().id).toBe(created.id);
    expect(await contentVersion()).toBe(before + 1);
    const got = await t.app.inject({ url: `/v1/widgets/${created.id}`, headers: t.auth() });
    expect(got.statusCode).toBe(404);
    expect(got.json().code).toBe('not_found');
  });

  it("hides one workspace's widgets from another with 404", async () => {
    const other = await t.createWorkspace();
    const url = `/v1/widgets/${t.widgetId}`;
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await t.app.inject({
        method,
        url,
        headers: t.auth(other.apiKey),
        ...(method === 'PATCH' ? { payload: { name: 'Taken over' } } : {}),
      });
      expect([method, res.statusCode, res.json().code]).toEqual([method, 404, 'not_found']);
    }
    const list = await t.app.inject({ url: '/v1/widgets', headers: t.auth(other.apiKey) });
    expect(list.json().data).toEqual([]);
    const own = await t.app.inject({ url, headers: t.auth() });
    expect(own.json().name).toBe('Default grid');
  });

  it('answers 401 without a key and 403 without the widgets scope', async () => {
    const none = await t.app.inject({ url: '/v1/widgets' });
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe('unauthorized');

    const readOnly = await createApiKey(t.services.db.kysely, t.services, t.workspaceId, 'ro', [
      'widgets:read',
    ]);
    const list = await t.app.inject({ url: '/v1/widgets', headers: t.auth(readOnly.secret) });
    expect(list.statusCode).toBe(200);
    const write = await create({ name: 'Not allowed' }, readOnly.secret);
    expect(write.statusCode).toBe(403);
    expect(write.json().code).toBe('forbidden');

    const testimonialsOnly = await createApiKey(
      t.services.db.kysely,
      t.services,
      t.workspaceId,
      'tst',
      ['testimonials:read'],
    );
    const read = await t.app.inject({
      url: `/v1/widgets/${t.widgetId}`,
      headers: t.auth(testimonialsOnly.secret),
    });
    expect(read.statusCode).toBe(403);
  });
});
