import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../auth/api-keys.js';
import { createTestContext, testDialects, type TestContext } from '../../test/support/harness.js';
import { DEFAULT_FORM } from './defaults.js';
import { isUniqueViolation } from './store.js';

const dialects = await testDialects();

describe.each(dialects)('forms API (%s)', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(async () => {
    await t.close();
  });

  function create(body: Record<string, unknown>, key?: string) {
    return t.app.inject({ method: 'POST', url: '/v1/forms', headers: t.auth(key), payload: body });
  }

  it('creates a form with defaults and reads, updates and deletes it', async () => {
    const created = await create({ slug: 'acme-launch', name: 'Acme launch' });
    expect(created.statusCode).toBe(201);
    const form = created.json();
    expect(form.id).toMatch(/^frm_[0-9a-z]{26}$/);
    expect(form).toEqual({
      id: form.id,
      object: 'form',
      slug: 'acme-launch',
      name: 'Acme launch',
      heading: DEFAULT_FORM.heading,
      prompt: DEFAULT_FORM.prompt,
      consent_text: DEFAULT_FORM.consent_text,
      thank_you_text: DEFAULT_FORM.thank_you_text,
      url: 'http://127.0.0.1:3000/f/acme-launch',
      created_at: form.created_at,
      updated_at: form.created_at,
    });
    expect(new Date(form.created_at).toISOString()).toBe(form.created_at);

    const got = await t.app.inject({ url: `/v1/forms/${form.id}`, headers: t.auth() });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(form);

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/v1/forms/${form.id}`,
      headers: t.auth(),
      payload: { slug: 'acme-2026', heading: '  Tell us how it went  ' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      slug: 'acme-2026',
      heading: 'Tell us how it went',
      name: 'Acme launch',
      url: 'http://127.0.0.1:3000/f/acme-2026',
    });

    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/v1/forms/${form.id}`,
      headers: t.auth(),
    });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json().slug).toBe('acme-2026');
    const gone = await t.app.inject({ url: `/v1/forms/${form.id}`, headers: t.auth() });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe('not_found');
  });

  it('refuses a slug another form holds with a 409 naming it', async () => {
    const taken = await create({ slug: DEFAULT_FORM.slug, name: 'Copy' });
    expect(taken.statusCode).toBe(409);
    expect(taken.headers['content-type']).toContain('application/problem+json');
    expect(taken.json()).toMatchObject({
      code: 'conflict',
      detail: 'slug "default" is already taken',
      errors: [{ field: '/slug', message: 'is already taken' }],
    });

    const other = (await create({ slug: 'other-form', name: 'Other' })).json();
    const renamed = await t.app.inject({
      method: 'PATCH',
      url: `/v1/forms/${other.id}`,
      headers: t.auth(),
      payload: { slug: 'default' },
    });
    expect(renamed.statusCode).toBe(409);
    expect(renamed.json().code).toBe('conflict');

    // Another workspace cannot take it either: slugs are unique across the server.
    const tenant = await t.createWorkspace();
    const foreign = await create({ slug: 'default', name: 'Theirs' }, tenant.apiKey);
    expect(foreign.statusCode).toBe(409);
  });

  it("recognises this dialect's unique violation, so a lost slug race is a 409 too", async () => {
    const row = await t.services.db.kysely
      .selectFrom('forms')
      .selectAll()
      .where('slug', '=', 'default')
      .executeTakeFirstOrThrow();
    const duplicate = { ...row, id: 'frm_duplicate' };
    const error = await t.services.db.kysely
      .insertInto('forms')
      .values(duplicate)
      .execute()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(new Error('other'))).toBe(false);
  });

  it('rejects bad input with a 422 naming each field', async () => {
    const res = await create({ slug: 'Not A Slug!', name: '', heading: 'x'.repeat(201), x: 1 });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('validation_failed');
    const fields = res.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['/slug', '/name', '/heading', '/x']));

    const tooLong = await create({ slug: 'a'.repeat(65), name: 'Long' });
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.json().errors[0].field).toBe('/slug');

    const missing = await create({ name: 'No slug' });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().errors).toEqual([expect.objectContaining({ field: '/slug' })]);

    const empty = await t.app.inject({
      method: 'PATCH',
      url: `/v1/forms/${(await create({ slug: 'patch-me', name: 'P' })).json().id}`,
      headers: t.auth(),
      payload: {},
    });
    expect(empty.statusCode).toBe(422);
  });

  it('pages through forms newest first without repeats', async () => {
    const tenant = await t.createWorkspace('Pager');
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      made.push((await create({ slug: `page-${i}`, name: `Page ${i}` }, tenant.apiKey)).json().id);
    }
    const seen: string[] = [];
    let after: string | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const url = `/v1/forms?limit=2${after ? `&starting_after=${after}` : ''}`;
      const page = (await t.app.inject({ url, headers: t.auth(tenant.apiKey) })).json();
      expect(page.object).toBe('list');
      seen.push(...page.data.map((f: { id: string }) => f.id));
      if (!page.has_more) break;
      after = page.data.at(-1).id;
    }
    expect(seen).toEqual([...made].reverse());

    const badCursor = await t.app.inject({
      url: '/v1/forms?starting_after=frm_nope',
      headers: t.auth(tenant.apiKey),
    });
    expect(badCursor.statusCode).toBe(422);
  });

  it("answers 404 for another workspace's form on every route", async () => {
    const tenant = await t.createWorkspace('Tenant');
    const theirs = (await create({ slug: 'tenant-form', name: 'Theirs' }, tenant.apiKey)).json();

    const list = (await t.app.inject({ url: '/v1/forms?limit=100', headers: t.auth() })).json();
    expect(list.data.map((f: { id: string }) => f.id)).not.toContain(theirs.id);

    const requests = [
      { method: 'GET' as const, url: `/v1/forms/${theirs.id}` },
      { method: 'PATCH' as const, url: `/v1/forms/${theirs.id}`, payload: { name: 'Mine now' } },
      { method: 'DELETE' as const, url: `/v1/forms/${theirs.id}` },
    ];
    for (const request of requests) {
      const res = await t.app.inject({ ...request, headers: t.auth() });
      expect(res.statusCode, `${request.method}`).toBe(404);
      expect(res.json().code).toBe('not_found');
    }
    const still = await t.app.inject({
      url: `/v1/forms/${theirs.id}`,
      headers: t.auth(tenant.apiKey),
    });
    expect(still.json().name).toBe('Theirs');
  });

  it('answers 401 without a key and 403 without the scope', async () => {
    const none = await t.app.inject({ url: '/v1/forms' });
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe('unauthorized');

    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/forms',
      headers: { authorization: 'Bearer st_live_invented' },
      payload: { slug: 'x', name: 'x' },
    });
    expect(bad.statusCode).toBe(401);

    const readOnly = await createApiKey(t.services.db.kysely, t.services, t.workspaceId, 'ro', [
      'forms:read',
    ]);
    const otherScope = await createApiKey(t.services.db.kysely, t.services, t.workspaceId, 'tst', [
      'testimonials:read',
    ]);
    expect(
      (await t.app.inject({ url: '/v1/forms', headers: t.auth(readOnly.secret) })).statusCode,
    ).toBe(200);
    const listDenied = await t.app.inject({ url: '/v1/forms', headers: t.auth(otherScope.secret) });
    expect(listDenied.statusCode).toBe(403);
    expect(listDenied.json().code).toBe('forbidden');

    const writeDenied = await create({ slug: 'ro-form', name: 'No' }, readOnly.secret);
    expect(writeDenied.statusCode).toBe(403);
    expect(writeDenied.json().code).toBe('forbidden');
  });
});
