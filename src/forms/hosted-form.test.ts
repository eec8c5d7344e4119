import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ManualClock,
  createTestContext,
  testDialects,
  type TestContext,
} from '../../test/support/harness.js';
import { DEFAULT_FORM } from './defaults.js';
import { FORM_TOKEN_TTL_MS, issueFormToken } from './form-token.js';
import { HOSTED_PAGE_CSP } from './html-response.js';
import { findFormRowBySlug } from './store.js';
import { rateLimitKey } from './submit.js';

const dialects = await testDialects();

const OWN_ORIGIN = 'http://127.0.0.1:3000';
const NAME = 'Mateo <img src=x onerror=alert(1)>';
const JOB_TITLE = '"><svg onload=alert(1)>';
const LONG_WORD = 'Donaudampfschifffahrt'.repeat(10).slice(0, 200);
const TEXT = `Loved it 😍 — café crème. رائع جدا، شكرا لكم! ${LONG_WORD} done`;

/** The same five characters Eta escapes, so tests can look for the escaped form. */
function escapeHtml(value: string): string {
  const map: Record<string, string> = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
  };
  return value.replace(/[&<>"']/g, (c) => map[c]!);
}

function tokenIn(html: string): string {
  const match = /name="_token" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no _token in page');
  return match[1]!;
}

function expectHostedHeaders(res: LightMyRequestResponse) {
  expect(res.headers['content-security-policy']).toBe(HOSTED_PAGE_CSP);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('same-origin');
}

function expectSafeHtml(res: LightMyRequestResponse) {
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expectHostedHeaders(res);
  expect(res.body).toContain('<meta charset="utf-8">');
  expect(res.body).not.toContain('<img');
  expect(res.body).not.toContain('<svg');
  expect(res.body).not.toMatch(/<script/i);
  expect(res.body).not.toMatch(/\sstyle=/i);
}

interface Poster {
  t: TestContext;
  remoteAddress?: string;
}

async function openForm({ t, remoteAddress }: Poster, slug = DEFAULT_FORM.slug) {
  const res = await t.app.inject({ url: `/f/${slug}`, remoteAddress });
  expect(res.statusCode).toBe(200);
  return tokenIn(res.body);
}

async function post(
  { t, remoteAddress }: Poster,
  fields: Record<string, string>,
  options: { slug?: string; headers?: Record<string, string> } = {},
) {
  const slug = options.slug ?? DEFAULT_FORM.slug;
  const token = fields._token ?? (await openForm({ t, remoteAddress }, slug));
  return t.app.inject({
    method: 'POST',
    url: `/f/${slug}`,
    remoteAddress,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: OWN_ORIGIN,
      ...options.headers,
    },
    payload: new URLSearchParams({ ...fields, _token: token }).toString(),
  });
}

async function countTestimonials(t: TestContext): Promise<number> {
  const row = await t.services.db.kysely
    .selectFrom('testimonials')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function newestTestimonial(t: TestContext) {
  const res = await t.app.inject({ url: '/v1/testimonials?limit=1', headers: t.auth() });
  return res.json().data[0];
}

describe.each(dialects)('hosted form (%s)', (dialect) => {
  let t: TestContext;
  let me: Poster;
  beforeAll(async () => {
    t = await createTestContext(dialect, { env: { FORM_RATE_LIMIT_PER_MINUTE: '10000' } });
    me = { t };
  });
  afterAll(async () => {
    await t.close();
  });

  it('renders every field with labels tied to inputs', async () => {
    const res = await t.app.inject({ url: '/f/default' });
    expect(res.statusCode).toBe(200);
    expectSafeHtml(res);
    const html = res.body;

    expect(html).toContain(
      '<form method="post" action="/f/default" accept-charset="UTF-8" enctype="multipart/form-data">',
    );
    expect(html).toMatch(/<fieldset[^>]*>\s*<legend>Your rating/);
    for (const n of [1, 2, 3, 4, 5]) {
      expect(html).toContain(`<input type="radio" id="rating-${n}" name="rating" value="${n}">`);
      expect(html).toContain(`<label for="rating-${n}">${n} `);
    }
    expect(html).toMatch(/<textarea [^>]*name="text" maxlength="5000"[^>]* dir="auto" required/);
    expect(html).toMatch(
      /<input type="text" value="" id="author_name" name="author_name"[^>]*required/,
    );
    expect(html).toMatch(/<input type="email" value="" id="author_email" name="author_email"/);
    expect(html).toContain('Never shown publicly.');
    expect(html).toContain('id="author_title" name="author_title"');
    expect(html).toContain('id="author_company" name="author_company"');
    expect(html).toContain(
      '<input type="file" id="photo" name="photo" accept="image/jpeg,image/png,image/webp" aria-describedby="photo-hint">',
    );
    expect(html).toContain('<input type="checkbox" id="consent" name="consent" value="yes">');
    expect(html).toContain(`<label for="consent" dir="auto">${DEFAULT_FORM.consent_text}</label>`);
    expect(html).toContain(
      '<input type="text" id="contact_me_by_fax_only" name="contact_me_by_fax_only" value="" tabindex="-1" autocomplete="off" aria-hidden="true">',
    );
    expect(html).toMatch(/<input type="hidden" name="_token" value="[0-9a-z]+\.[\w-]{43}">/);
    expect(html).toContain('<button type="submit">');
    expect(html).toMatch(/<link rel="stylesheet" href="\/assets\/form\.css\?v=[0-9a-f]{12}">/);

    const labelled = [...html.matchAll(/<label for="([^"]+)"/g)].map((m) => m[1]!);
    expect(labelled).toHaveLength(13);
    for (const id of labelled) expect(html).toContain(`id="${id}"`);
  });

  it('stores a hostile-looking submission as exact pending text and escapes it everywhere', async () => {
    const before = await countTestimonials(t);
    const res = await post(me, {
      rating: '5',
      text: TEXT,
      author_name: NAME,
      author_email: 'mateo@example.com',
      author_title: JOB_TITLE,
      author_company: 'Ben & Jerry’s',
      consent: 'yes',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/f/default/thanks');
    expectHostedHeaders(res);
    expect(await countTestimonials(t)).toBe(before + 1);

    const form = await findFormRowBySlug(t.services.db.kysely, 'default');
    const stored = await newestTestimonial(t);
    expect(stored).toMatchObject({
      status: 'pending',
      source: 'form',
      form_id: form!.id,
      rating: 5,
      text: TEXT,
      author_name: NAME,
      author_email: 'mateo@example.com',
      author_title: JOB_TITLE,
      author_company: 'Ben & Jerry’s',
      consent_given: true,
      consent_text: DEFAULT_FORM.consent_text,
    });

    const thanks = await t.app.inject({ url: res.headers.location as string });
    expect(thanks.statusCode).toBe(200);
    expectSafeHtml(thanks);
    expect(thanks.body).toContain(DEFAULT_FORM.thank_you_text);

    // Re-rendered with an error, the same input comes back escaped, never as markup.
    const rejected = await post(me, {
      text: '',
      author_name: NAME,
      author_title: JOB_TITLE,
      author_company: TEXT,
    });
    expect(rejected.statusCode).toBe(422);
    expectSafeHtml(rejected);
    expect(rejected.body).toContain(`value="${escapeHtml(NAME)}"`);
    expect(rejected.body).toContain('value="Mateo &lt;img src=x onerror=alert(1)&gt;"');
    expect(rejected.body).toContain('value="&quot;&gt;&lt;svg onload=alert(1)&gt;"');
    expect(rejected.body).toContain(`value="${escapeHtml(TEXT)}"`);
  });

  it('keeps the text as typed: CRLF from the browser becomes LF, 5,000 emoji fit', async () => {
    const res = await post(me, { text: 'Line one\r\nسطر ثان', author_name: 'Ana' });
    expect(res.statusCode).toBe(303);
    expect((await newestTestimonial(t)).text).toBe('Line one\nسطر ثان');

    const full = '😀'.repeat(5_000);
    expect((await post(me, { text: full, author_name: 'Emoji' })).statusCode).toBe(303);
    expect((await newestTestimonial(t)).text).toBe(full);
    const over = await post(me, { text: `${full}😀`, author_name: 'Emoji' });
    expect(over.statusCode).toBe(422);
    expect(over.body).toContain('Please keep your testimonial to 5,000 characters or fewer.');
  });

  it('re-renders missing text and name with messages beside the fields and input kept', async () => {
    const before = await countTestimonials(t);
    const text = `${TEXT}\n</textarea><b>not bold</b>`;
    const noName = await post(me, { text, author_title: JOB_TITLE, rating: '4', consent: 'yes' });
    expect(noName.statusCode).toBe(422);
    expectSafeHtml(noName);
    const html = noName.body;
    expect(html).toContain('<title>Error: Share your experience</title>');
    expect(html).toContain('<div class="error-summary" role="alert"');
    expect(html).toContain('<li><a href="#author_name">Please tell us your name.</a></li>');
    expect(html).toContain(
      '<p class="field-error" id="author_name-error"><span class="visually-hidden">Error: </span>Please tell us your name.</p>',
    );
    expect(html).toMatch(
      /id="author_name"[^>]* aria-describedby="author_name-error" aria-invalid="true">/,
    );
    expect(html).toContain(`>\n${escapeHtml(text)}</textarea>`);
    expect(html).not.toContain('<b>not bold</b>');
    expect(html).toContain(`value="${escapeHtml(JOB_TITLE)}"`);
    expect(html).toContain('<input type="radio" id="rating-4" name="rating" value="4" checked>');
    expect(html).toContain('name="consent" value="yes" checked>');

    const noText = await post(me, { text: '   ', author_name: NAME });
    expect(noText.statusCode).toBe(422);
    expect(noText.body).toContain('<li><a href="#text">Please write your testimonial.</a></li>');
    expect(noText.body).toContain('id="text-error"');
    expect(noText.body).toContain(`value="${escapeHtml(NAME)}"`);
    expect(noText.body).not.toContain('id="author_name-error"');

    const wrong = await post(me, {
      text: 'ok',
      author_name: 'ok',
      rating: '9',
      author_email: 'not an email',
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain(
      '<li><a href="#rating-1">Choose a rating from 1 to 5 stars.</a></li>',
    );
    expect(wrong.body).toContain('id="author_email-error"');
    expect(wrong.body).toContain('value="not an email"');

    expect(await countTestimonials(t)).toBe(before);
  });

  it('answers a filled honeypot like a success but stores nothing', async () => {
    const before = await countTestimonials(t);
    const events = await t.services.db.kysely.selectFrom('events').select('id').execute();
    const res = await post(me, {
      text: 'Buy cheap watches',
      author_name: 'Bot',
      contact_me_by_fax_only: '555-0100',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/f/default/thanks');
    expect(await countTestimonials(t)).toBe(before);
    const after = await t.services.db.kysely.selectFrom('events').select('id').execute();
    expect(after).toHaveLength(events.length);
  });

  it('refuses a missing, forged, foreign or expired token with 403 and the input kept', async () => {
    const before = await countTestimonials(t);
    const form = (await findFormRowBySlug(t.services.db.kysely, 'default'))!;
    const other = await t.app.inject({
      method: 'POST',
      url: '/v1/forms',
      headers: t.auth(),
      payload: { slug: 'token-other', name: 'Other' },
    });
    const now = Date.now();
    const tokens = {
      missing: '',
      forged: `${now.toString(36)}.${'A'.repeat(43)}`,
      otherForm: issueFormToken(t.services.secrets, { ...form, id: other.json().id }, now),
      expired: issueFormToken(t.services.secrets, form, now - FORM_TOKEN_TTL_MS - 1000),
      future: issueFormToken(t.services.secrets, form, now + 60 * 60 * 1000),
      oldWording: issueFormToken(t.services.secrets, { ...form, consent_text: 'Old' }, now),
    };
    for (const [why, token] of Object.entries(tokens)) {
      const res = await post(me, { _token: token, text: TEXT, author_name: NAME });
      expect(res.statusCode, why).toBe(403);
      expectSafeHtml(res);
      expect(res.body).toContain('This form has expired or was sent from another page.');
      expect(res.body).toContain(`value="${escapeHtml(NAME)}"`);
      expect(res.body).toContain(`>\n${escapeHtml(TEXT)}</textarea>`);
      expect(tokenIn(res.body)).not.toBe(token);
    }
    expect(await countTestimonials(t)).toBe(before);

    const fresh = issueFormToken(t.services.secrets, form, now - FORM_TOKEN_TTL_MS + 60_000);
    expect((await post(me, { _token: fresh, text: 'ok', author_name: 'ok' })).statusCode).toBe(303);
  });

  it('refuses posts from other sites and accepts our own origin under another host name', async () => {
    const before = await countTestimonials(t);
    const crossSite: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'http://127.0.0.1:3000.evil.example' },
      { origin: 'null' },
      { origin: OWN_ORIGIN, 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of crossSite) {
      const res = await post(me, { text: TEXT, author_name: NAME }, { headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expectSafeHtml(res);
      expect(res.body).toContain(`value="${escapeHtml(NAME)}"`);
    }
    const noOrigin = {
      'content-type': 'application/x-www-form-urlencoded',
      'sec-fetch-site': 'cross-site',
    };
    const bare = await t.app.inject({
      method: 'POST',
      url: '/f/default',
      headers: noOrigin,
      payload: new URLSearchParams({
        _token: await openForm(me),
        text: 'x',
        author_name: 'x',
      }).toString(),
    });
    expect(bare.statusCode).toBe(403);
    expect(await countTestimonials(t)).toBe(before);

    const sameHost = await post(
      me,
      { text: 'via localhost', author_name: 'Lo' },
      {
        headers: {
          origin: 'http://localhost:8080',
          host: 'localhost:8080',
          'sec-fetch-site': 'same-origin',
        },
      },
    );
    expect(sameHost.statusCode).toBe(303);
  });

  it('shows a form’s own settings escaped and stores the consent wording it showed', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/forms',
      headers: t.auth(),
      payload: {
        slug: 'hostile-settings',
        name: 'Hostile',
        heading: NAME,
        prompt: 'مرحبا — tell us 😀',
        consent_text: `I agree ${JOB_TITLE}`,
        thank_you_text: '<script>alert(1)</script> thanks',
      },
    });
    expect(created.statusCode).toBe(201);

    const page = await t.app.inject({ url: '/f/hostile-settings' });
    expectSafeHtml(page);
    expect(page.body).toContain(`<h1 dir="auto">${escapeHtml(NAME)}</h1>`);
    expect(page.body).toContain('<p class="prompt" dir="auto">مرحبا — tell us 😀</p>');
    expect(page.body).toContain(
      `<label for="consent" dir="auto">${escapeHtml(`I agree ${JOB_TITLE}`)}</label>`,
    );

    const res = await post(
      me,
      { text: 'Fine', author_name: 'Ok', consent: 'yes' },
      { slug: 'hostile-settings' },
    );
    expect(res.statusCode).toBe(303);
    const stored = await newestTestimonial(t);
    expect(stored.form_id).toBe(created.json().id);
    expect(stored.consent_text).toBe(`I agree ${JOB_TITLE}`);

    const thanks = await t.app.inject({ url: '/f/hostile-settings/thanks' });
    expectSafeHtml(thanks);
    expect(thanks.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; thanks');

    const noConsent = await post(
      me,
      { text: 'Private', author_name: 'P' },
      { slug: 'hostile-settings' },
    );
    expect(noConsent.statusCode).toBe(303);
    expect(await newestTestimonial(t)).toMatchObject({ consent_given: false, consent_text: null });
  });

  it('answers unknown slugs, wrong bodies and oversized posts with HTML pages', async () => {
    for (const url of ['/f/no-such-form', '/f/Default', '/f/no-such-form/thanks']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expectSafeHtml(res);
      expect(res.body).toContain('<h1>Form not found</h1>');
    }
    const unknownPost = await post(
      me,
      { _token: 'unused', text: 'x', author_name: 'x' },
      { slug: 'no-such-form' },
    );
    expect(unknownPost.statusCode).toBe(404);
    expectSafeHtml(unknownPost);

    const json = await t.app.inject({
      method: 'POST',
      url: '/f/default',
      headers: { origin: OWN_ORIGIN },
      payload: { text: 'x', author_name: 'x' },
    });
    expect(json.statusCode).toBe(415);
    expectSafeHtml(json);

    const huge = await t.app.inject({
      method: 'POST',
      url: '/f/default',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: OWN_ORIGIN },
      payload: `text=${'a'.repeat(200_000)}`,
    });
    expect(huge.statusCode).toBe(413);
    expectSafeHtml(huge);
    expect(huge.body).toContain('<h1>Too much to send</h1>');
  });

  it('serves the stylesheet and icon from our origin, cacheable, with wrapping and RTL rules', async () => {
    const page = await t.app.inject({ url: '/f/default' });
    const href = /href="(\/assets\/form\.css\?v=[0-9a-f]+)"/.exec(page.body)![1]!;
    const css = await t.app.inject({ url: href });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(css.headers['x-content-type-options']).toBe('nosniff');
    expect(css.body).toContain('overflow-wrap: anywhere');
    expect(css.body).toContain('padding-inline-start');

    const unversioned = await t.app.inject({ url: '/assets/form.css' });
    expect(unversioned.headers['cache-control']).toBe('public, max-age=300');
    const revalidated = await t.app.inject({
      url: href,
      headers: { 'if-none-match': css.headers.etag as string },
    });
    expect(revalidated.statusCode).toBe(304);
    expect(revalidated.body).toBe('');

    // A linked icon keeps browsers from asking for /favicon.ico, a 404 in their console.
    const iconHref = /<link rel="icon" href="([^"]+)" type="image\/svg\+xml">/.exec(page.body)![1]!;
    const icon = await t.app.inject({ url: iconHref });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect(icon.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  it('sends a CSP that allows no script on every hosted response', async () => {
    const responses = [
      await t.app.inject({ url: '/f/default' }),
      await t.app.inject({ url: '/f/default/thanks' }),
      await t.app.inject({ url: '/f/nothing' }),
      await post(me, { text: '', author_name: '' }),
      await post(me, { _token: 'bad', text: 'x', author_name: 'x' }),
      await post(me, { text: 'csp', author_name: 'csp' }),
    ];
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 404, 422, 403, 303]);
    for (const res of responses) {
      const csp = res.headers['content-security-policy'] as string;
      expect(csp).toBe(HOSTED_PAGE_CSP);
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('script-src');
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).toContain("frame-ancestors 'none'");
    }
  });
});

describe.each(dialects)('hosted form over time (%s)', (dialect) => {
  const clock = new ManualClock(Date.parse('2026-01-15T12:00:00.000Z'));
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect, { env: { FORM_RATE_LIMIT_PER_MINUTE: '3' }, clock });
  });
  afterAll(async () => {
    await t.close();
  });

  it('limits posts per IP, says when to retry and keeps the input', async () => {
    const visitor = { t, remoteAddress: '203.0.113.7' };
    for (let i = 0; i < 3; i++) {
      expect((await post(visitor, { text: `ok ${i}`, author_name: 'Rate' })).statusCode).toBe(303);
    }
    clock.advance(20_000);
    const before = await countTestimonials(t);

    const limited = await post(visitor, { text: TEXT, author_name: NAME });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('40');
    expectSafeHtml(limited);
    expect(limited.body).toContain('Please wait 40 second(s) and send it again.');
    expect(limited.body).toContain(`value="${escapeHtml(NAME)}"`);
    expect(await countTestimonials(t)).toBe(before);

    const neighbour = { t, remoteAddress: '203.0.113.8' };
    expect((await post(neighbour, { text: 'other ip', author_name: 'N' })).statusCode).toBe(303);

    clock.advance(40_000);
    expect((await post(visitor, { text: 'later', author_name: 'Rate' })).statusCode).toBe(303);
  });

  it('counts an IPv6 visitor by /64 and an IPv4-mapped one as IPv4', async () => {
    expect(rateLimitKey('2001:db8:aa:bb:1:2:3:4')).toBe(rateLimitKey('2001:db8:aa:bb:ffff::9'));
    expect(rateLimitKey('2001:db8:aa:bb:1::')).not.toBe(rateLimitKey('2001:db8:aa:bc:1::'));
    expect(rateLimitKey('::ffff:203.0.113.9')).toBe(rateLimitKey('203.0.113.9'));

    const first = { t, remoteAddress: '2001:db8:77:1::1' };
    for (let i = 0; i < 3; i++) {
      expect((await post(first, { text: `v6 ${i}`, author_name: 'Six' })).statusCode).toBe(303);
    }
    const sameHome = { t, remoteAddress: '2001:db8:77:1:dead:beef:0:2' };
    expect((await post(sameHome, { text: 'again', author_name: 'Six' })).statusCode).toBe(429);
  });

  it('accepts a rendered form for 24 hours and refuses it after that', async () => {
    const visitor = { t, remoteAddress: '198.51.100.1' };
    const dayOld = await openForm(visitor);
    clock.advance(FORM_TOKEN_TTL_MS);
    const justInTime = await post(visitor, { _token: dayOld, text: 'day', author_name: 'D' });
    expect(justInTime.statusCode).toBe(303);

    const stale = await openForm(visitor);
    clock.advance(FORM_TOKEN_TTL_MS + 1);
    const late = await post(visitor, { _token: stale, text: 'late', author_name: 'D' });
    expect(late.statusCode).toBe(403);
  });

  it('stores a submission time in UTC whatever the server time zone (C20)', async () => {
    const zones = [
      { tz: 'America/Los_Angeles', localHour: 23, ip: '192.0.2.1' },
      { tz: 'Europe/Berlin', localHour: 8, ip: '192.0.2.2' },
      { tz: 'Pacific/Auckland', localHour: 20, ip: '192.0.2.3' },
    ];
    const savedTz = process.env.TZ;
    clock.set('2024-03-01T23:30:00-08:00');
    try {
      for (const { tz, localHour, ip } of zones) {
        process.env.TZ = tz;
        expect(new Date(clock.nowMs()).getHours(), tz).toBe(localHour);

        const author = `Zone ${tz}`;
        const res = await post({ t, remoteAddress: ip }, { text: 'On time', author_name: author });
        expect(res.statusCode).toBe(303);
        const row = await t.services.db.kysely
          .selectFrom('testimonials')
          .select(['id', 'created_at'])
          .where('author_name', '=', author)
          .executeTakeFirstOrThrow();
        expect(row.created_at, tz).toBe('2024-03-02T07:30:00.000Z');
        const api = await t.app.inject({ url: `/v1/testimonials/${row.id}`, headers: t.auth() });
        expect(api.json().created_at).toBe('2024-03-02T07:30:00.000Z');
      }
    } finally {
      if (savedTz === undefined) delete process.env.TZ;
      else process.env.TZ = savedTz;
    }
  });
});
