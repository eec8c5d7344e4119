import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, testDialects, type TestContext } from '../../test/support/harness.js';
import { buildTestimonialRow } from '../testimonials/service.js';
import { insertTestimonials } from '../testimonials/store.js';
import { bumpContentVersion } from '../workspaces/store.js';
import { WIDGET_KINDS } from './schema.js';

/*
 * The server side of every layout: the feed's JSON-LD and rating summary agreeing with
 * the badge (C14, C15), server-rendered HTML that keeps customer text as text (C09), the
 * wall and iframe pages, and deletes leaving every cache at once (C19).
 */

const dialects = await testDialects();

const HOSTILE = {
  author_name: 'Mateo <img src=x onerror=alert(1)>',
  author_title: '"><svg onload=alert(1)>',
  author_company: '</script><script>alert(2)</script>',
  title: "' onmouseover='alert(3)",
  text: 'Great </script><script>alert(4)</script> & <b>bold</b> https://example.com/?a=1&b=2',
};
const EMAIL_SHAPE = /[^\s"@]+@[^\s"@]+\.[a-z]{2,}/i;

describe.each(dialects)('widget layouts on the server (%s)', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(async () => {
    await t.close();
  });

  async function testimonial(body: Record<string, unknown>): Promise<string> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/testimonials',
      headers: t.auth(),
      payload: { status: 'approved', author_name: 'Someone', text: 'Good', ...body },
    });
    expect(res.statusCode).toBe(201);
    return res.json().id;
  }

  async function widget(body: Record<string, unknown>) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/widgets',
      headers: t.auth(),
      payload: { name: 'Layouts', ...body },
    });
    expect([res.statusCode, res.body]).toEqual([201, expect.any(String)]);
    return res.json() as { id: string; slug: string; embed: { wall_url: string } };
  }

  /** `count` rated testimonials tagged `tag`, written in one go (C14 needs a thousand). */
  async function ratings(tag: string, values: number[]): Promise<void> {
    const now = new Date().toISOString();
    const rows = values.map((rating) =>
      buildTestimonialRow(
        t.workspaceId,
        { text: 'Rated', author_name: 'Rater', rating, status: 'approved' },
        'import',
        now,
      ),
    );
    for (let i = 0; i < rows.length; i += 200) {
      const batch = rows.slice(i, i + 200);
      await insertTestimonials(
        t.services.db.kysely,
        batch,
        new Map(batch.map((r) => [r.id, [tag]])),
      );
    }
    await bumpContentVersion(t.services.db.kysely, t.workspaceId);
  }

  const repeat = (value: number, times: number) => Array<number>(times).fill(value);

  // [case, ratings, average shown, stars]
  const C14: Array<[string, number[], number, number]> = [
    ['3.249', [...repeat(3, 751), ...repeat(4, 249)], 3.24, 3],
    ['3.25', [3, 3, 3, 4], 3.25, 3.5],
    ['3.749', [...repeat(3, 251), ...repeat(4, 749)], 3.74, 3.5],
    ['3.75', [4, 4, 4, 3], 3.75, 4],
    ['4.749', [...repeat(4, 251), ...repeat(5, 749)], 4.74, 4.5],
    ['4.75', [5, 5, 5, 4], 4.75, 5],
  ];

  it.each(C14)(
    'a mean of %s reads the same in the feed, the badge and the JSON-LD (C14)',
    async (name, values, average, stars) => {
      const tag = `c14-${name}`;
      await ratings(tag, values);
      const w = await widget({
        kind: 'badge',
        settings: {
          tags: [tag],
          json_ld: true,
          json_ld_name: 'Acme CRM',
          json_ld_type: 'SoftwareApplication',
        },
      });
      const feed = (await t.app.inject({ url: `/public/v1/widgets/${w.id}` })).json();
      expect(feed.summary).toEqual({
        count: values.length,
        rating_count: values.length,
        average,
        rating_rounded: stars,
      });
      expect(feed.json_ld.aggregateRating).toEqual({
        '@type': 'AggregateRating',
        ratingValue: average,
        bestRating: 5,
        worstRating: 1,
        ratingCount: values.length,
      });
      const html = (await t.app.inject({ url: `/public/v1/widgets/${w.id}?format=html&lang=en` }))
        .body;
      // The link reads "3.25 out of 5, 4 reviews": the same number as the feed and JSON-LD.
      expect(html).toContain(
        `<strong>${average}</strong><span class="st-sr"> out of 5, </span>` +
          `<span class="st-count">${values.length.toLocaleString('en')} reviews</span>`,
      );
      const full = Math.floor(stars);
      const half = stars % 1 ? '<span class="st-half">★</span>' : '';
      const off = 5 - full - (half ? 1 : 0);
      expect(html).toContain(
        `<span>${'★'.repeat(full)}</span>${half}${off ? `<span class="st-off">${'★'.repeat(off)}</span>` : ''}`,
      );
      expect(html).toContain(`"ratingValue":${average}`);
    },
  );

  it('shows "no reviews yet" with no stars, no NaN and no AggregateRating when nothing is rated (C14)', async () => {
    await testimonial({ tags: ['unrated'], text: 'No stars given' });
    const w = await widget({
      kind: 'badge',
      settings: { tags: ['unrated'], json_ld: true, json_ld_name: 'Acme CRM' },
    });
    const feed = (await t.app.inject({ url: `/public/v1/widgets/${w.id}` })).json();
    expect(feed.summary).toEqual({
      count: 1,
      rating_count: 0,
      average: null,
      rating_rounded: null,
    });
    expect(feed.json_ld).toBeNull();
    const html = (await t.app.inject({ url: `/public/v1/widgets/${w.id}?format=html&lang=de` }))
      .body;
    expect(html).toContain('>Noch keine Bewertungen</a>');
    expect(html).not.toContain('★');
    expect(html).not.toContain('NaN');
    expect(html).not.toContain('application/ld+json');
  });

  it('marks up 11 published reviews of 12, each rated with an author, one aggregate, no email (C15)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      ids.push(
        await testimonial({
          tags: ['c15'],
          rating: 3 + (i % 3),
          author_name: i === 5 ? 'Reach me at bea@customer.example' : `Author ${i}`,
          author_email: `author${i}@customer.example`,
          text: i === 7 ? 'Mail me: carl@customer.example' : `Review ${i}`,
          status: i === 3 ? 'pending' : 'approved',
        }),
      );
    }
    const w = await widget({
      kind: 'grid',
      settings: { tags: ['c15'], json_ld: true, json_ld_name: 'Acme CRM', json_ld_type: 'Product' },
    });
    const feed = (await t.app.inject({ url: `/public/v1/widgets/${w.id}` })).json();
    const markup = feed.json_ld;
    expect(markup['@context']).toBe('https://schema.org');
    expect(markup['@type']).toBe('Product');
    expect(markup.name).toBe('Acme CRM');
    expect(markup.aggregateRating).toEqual({
      '@type': 'AggregateRating',
      ratingValue: feed.summary.average,
      bestRating: 5,
      worstRating: 1,
      ratingCount: 11,
    });
    expect(markup.review).toHaveLength(11);
    for (const review of markup.review) {
      expect(review['@type']).toBe('Review');
      expect(review.reviewRating).toEqual({
        '@type': 'Rating',
        ratingValue: expect.any(Number),
        bestRating: 5,
        worstRating: 1,
      });
      expect(review.author).toEqual({ '@type': 'Person', name: expect.any(String) });
      expect(review).not.toHaveProperty('aggregateRating');
    }
    expect(markup.review.map((r: { reviewBody: string }) => r.reviewBody)).not.toContain(
      'Review 3',
    );
    expect(JSON.stringify(markup)).not.toMatch(EMAIL_SHAPE);
    expect(JSON.stringify(markup)).toContain('Reach me at [email removed]');

    const wall = (await t.app.inject({ url: `/w/${w.slug}` })).body;
    const block = wall.match(/<script type="application\/ld\+json">(.*?)<\/script>/s)?.[1] ?? '';
    expect(JSON.parse(block)).toEqual(markup);
    expect(wall.match(/application\/ld\+json/g)).toHaveLength(1);
  });

  it('refuses JSON-LD on Organization or LocalBusiness, and without a name (C15)', async () => {
    for (const type of ['Organization', 'LocalBusiness']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/widgets',
        headers: t.auth(),
        payload: {
          name: 'Self-serving',
          settings: { json_ld: true, json_ld_name: 'Us', json_ld_type: type },
        },
      });
      expect([type, res.statusCode]).toEqual([type, 422]);
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(
        '/settings/json_ld_type',
      );
    }
    const unnamed = await t.app.inject({
      method: 'POST',
      url: '/v1/widgets',
      headers: t.auth(),
      payload: { name: 'Unnamed', settings: { json_ld: true } },
    });
    expect(unnamed.statusCode).toBe(422);
    expect(unnamed.json().errors).toEqual([
      { field: '/settings/json_ld_name', message: 'is required when json_ld is on' },
    ]);
  });

  it.each(WIDGET_KINDS)(
    'renders %s as HTML on the server with every customer text escaped (C09)',
    async (kind) => {
      await testimonial({ ...HOSTILE, tags: [`c09-${kind}`], rating: 5 });
      const w = await widget({
        kind,
        settings: { tags: [`c09-${kind}`], json_ld: true, json_ld_name: 'Acme </script>' },
      });
      const res = await t.app.inject({ url: `/public/v1/widgets/${w.id}?format=html` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('public, no-cache');
      expect(res.headers['access-control-allow-origin']).toBe('*');
      const [html = '', jsonLd = ''] = res.body.split('<script type="application/ld+json">');
      expect(jsonLd).toMatch(/^\{"@context":"https:\/\/schema.org".*\}<\/script>\n$/s);
      expect(jsonLd.replace(/<\/script>\n$/, '')).not.toContain('<');
      expect(html).toMatch(
        new RegExp(
          `^<div class="showtrust-widget" data-showtrust-static="${w.id}"><template shadowrootmode="open">`,
        ),
      );
      expect(html).toContain(
        `<link rel="stylesheet" href="http://127.0.0.1:3000/public/v1/widgets/${w.id}/style.css">`,
      );
      expect(html).toContain(`data-layout="${kind}"`);
      // Nothing of the hostile strings survives as markup; the JSON-LD block cannot be closed.
      expect(html).not.toContain('<img src=x');
      expect(html).not.toContain('<svg');
      expect(html).not.toContain('<b>');
      expect(html).not.toContain("' onmouseover='");
      expect(html).not.toContain('<script');
      if (kind !== 'badge') {
        expect(html).toContain('Mateo &#60;img src=x onerror=alert(1)&#62;');
        expect(html).toContain('&#60;b&#62;bold&#60;/b&#62;');
      }
      // Readable with JavaScript off: no control that needs a script, nothing hidden.
      expect(html).not.toContain('data-st=');
      expect(html).not.toMatch(/ hidden[ >]/);

      // The wall page and the iframe page render the same texts the same way.
      for (const url of [`/w/${w.slug}`, `/embed/${w.id}`]) {
        const page = (await t.app.inject({ url })).body.replace(
          /<script type="application\/ld\+json">.*?<\/script>/s,
          '',
        );
        expect([
          url,
          page.includes('<img src=x'),
          page.includes('<svg'),
          page.includes('<b>'),
        ]).toEqual([url, false, false, false]);
        // A badge's iframe shows the average only; its wall shows every text.
        if (kind !== 'badge' || url.startsWith('/w/')) {
          expect(page).toContain('Mateo &#60;img src=x onerror=alert(1)&#62;');
        }
      }
    },
  );

  it('marks a testimonial from a review request as a verified customer, in its language', async () => {
    const id = await testimonial({ tags: ['verified'], author_name: 'Vera' });
    await testimonial({ tags: ['verified'], author_name: 'Una' });
    await t.services.db.kysely
      .updateTable('testimonials')
      .set({ verified: 1 })
      .where('id', '=', id)
      .execute();
    await bumpContentVersion(t.services.db.kysely, t.workspaceId);
    const w = await widget({ kind: 'list', settings: { tags: ['verified'], language: 'de' } });
    const feed = (await t.app.inject({ url: `/public/v1/widgets/${w.id}` })).json();
    expect(
      feed.testimonials.map((x: { author_name: string; verified: boolean }) => [
        x.author_name,
        x.verified,
      ]),
    ).toEqual([
      ['Una', false],
      ['Vera', true],
    ]);
    const html = (await t.app.inject({ url: `/public/v1/widgets/${w.id}?format=html` })).body;
    expect(html).toContain(
      '<span class="st-name" dir="auto">Vera</span><span class="st-verified">✓ Verifizierter Kunde</span>',
    );
    expect(html.match(/st-verified/g)).toHaveLength(1);
  });

  it('serves the wall page by slug with whole texts, anchors, plain pagination links and a no-script CSP', async () => {
    const long = `${'A long and happy review. '.repeat(20)}The end.`;
    for (let i = 0; i < 5; i++)
      await testimonial({ tags: ['wall'], text: i === 4 ? long : `Wall ${i}` });
    const w = await widget({
      kind: 'slider',
      slug: 'our-wall-of-love',
      settings: { tags: ['wall'], limit: 3 },
    });
    expect(w.slug).toBe('our-wall-of-love');
    expect(w.embed.wall_url).toBe('http://127.0.0.1:3000/w/our-wall-of-love');

    const res = await t.app.inject({
      url: '/w/our-wall-of-love',
      headers: { 'accept-language': 'fr-CH, de;q=0.8' },
    });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['cache-control']).toBe('public, no-cache');
    const html = res.body;
    expect(html).toContain('<html lang="fr" dir="ltr">');
    expect(html).toContain('<title>Layouts</title>');
    expect(html).toContain(
      '<link rel="canonical" href="http://127.0.0.1:3000/w/our-wall-of-love">',
    );
    expect(html).toContain('data-layout="grid"');
    expect(html.match(/class="st-card"/g)).toHaveLength(3);
    expect(html).toContain(long);
    expect(html).toMatch(/id="t-tst_[0-9a-z]{26}"/);
    const next = html.match(
      /href="(http:\/\/127\.0\.0\.1:3000\/w\/our-wall-of-love\?cursor=[^"]+)"/,
    )?.[1];
    expect(next).toBeDefined();
    const second = await t.app.inject({ url: next!.replace('http://127.0.0.1:3000', '') });
    expect(second.body.match(/class="st-card"/g)).toHaveLength(2);
    expect(second.body).not.toContain(long);

    const byId = await t.app.inject({ url: `/w/${t.widgetId}` });
    expect(byId.statusCode).toBe(200);
    const missing = await t.app.inject({ url: '/w/no-such-wall' });
    expect([missing.statusCode, missing.headers['content-type']]).toEqual([
      404,
      'text/html; charset=utf-8',
    ]);
  });

  it('serves the iframe page: our scripts only, framable anywhere, the layout as its no-script fallback', async () => {
    await testimonial({ tags: ['frame'], text: 'Framed words' });
    const w = await widget({ kind: 'list', settings: { tags: ['frame'] } });
    const res = await t.app.inject({ url: `/embed/${w.id}` });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain('frame-ancestors *');
    expect(csp).not.toContain('unsafe');
    expect(res.body).toContain(
      `<div data-showtrust-widget="${w.id}" data-showtrust-layout="list"><div class="st st-static"`,
    );
    expect(res.body).toContain('Framed words');
    expect(res.body).toContain('<script src="/embed.js" async></script>');
    const unknown = await t.app.inject({ url: '/embed/wgt_00000000000000000000000000' });
    expect(unknown.statusCode).toBe(404);
  });

  it('serves each widget’s stylesheet with its colours over the themes', async () => {
    const w = await widget({ settings: { accent_color: '#aa0000', corner_radius: 0 } });
    const res = await t.app.inject({ url: `/public/v1/widgets/${w.id}/style.css` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(res.body).toContain('.st[data-layout][data-theme]{--st-r:0px;--st-accent:#aa0000}');
    expect(res.body).toContain('.st-popup{');
  });

  it('drops a deleted testimonial from every format on the next request, with nothing cached to keep it (C19)', async () => {
    const id = await testimonial({ tags: ['c19'], text: 'Soon deleted', rating: 5 });
    await testimonial({ tags: ['c19'], text: 'Stays', rating: 3 });
    const w = await widget({
      kind: 'grid',
      settings: { tags: ['c19'], json_ld: true, json_ld_name: 'Acme' },
    });
    const urls = [
      `/public/v1/widgets/${w.id}`,
      `/public/v1/widgets/${w.id}?format=html`,
      `/w/${w.slug}`,
      `/embed/${w.id}`,
    ];
    for (const url of urls) {
      const res = await t.app.inject({ url });
      expect([url, res.body.includes('Soon deleted')]).toEqual([url, true]);
      expect([url, res.headers['cache-control']]).toEqual([url, 'public, no-cache']);
    }
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/v1/testimonials/${id}`,
      headers: t.auth(),
    });
    expect(del.statusCode).toBe(200);
    for (const url of urls) {
      const res = await t.app.inject({ url });
      expect([url, res.body.includes('Soon deleted'), res.body.includes('Stays')]).toEqual([
        url,
        false,
        true,
      ]);
    }
    const feed = (await t.app.inject({ url: urls[0]! })).json();
    expect(feed.summary).toEqual({ count: 1, rating_count: 1, average: 3, rating_rounded: 3 });
    expect(feed.json_ld.review).toHaveLength(1);
  });

  it('hides "Powered by ShowTrust" in every widget of a white-label workspace, at once', async () => {
    await testimonial({ tags: ['brand'] });
    const w = await widget({ settings: { tags: ['brand'] } });
    const before = await t.app.inject({ url: `/public/v1/widgets/${w.id}?format=html` });
    expect(before.body).toContain('Powered by ShowTrust');

    const branding = await t.app.inject({ url: '/v1/widget-branding', headers: t.auth() });
    expect(branding.json()).toEqual({
      object: 'widget_branding',
      white_label: false,
      updated_at: null,
    });
    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/v1/widget-branding',
      headers: t.auth(),
      payload: { white_label: true },
    });
    expect(patched.json()).toMatchObject({ object: 'widget_branding', white_label: true });
    expect((await t.app.inject({ url: `/public/v1/widgets/${w.id}` })).json().branding).toEqual({
      powered_by: false,
    });
    const after = await t.app.inject({ url: `/public/v1/widgets/${w.id}?format=html` });
    expect(after.body).not.toContain('Powered by ShowTrust');
    const other = await t.createWorkspace();
    const theirs = await t.app.inject({
      url: '/v1/widget-branding',
      headers: t.auth(other.apiKey),
    });
    expect(theirs.json().white_label).toBe(false);
    await t.app.inject({
      method: 'PATCH',
      url: '/v1/widget-branding',
      headers: t.auth(),
      payload: { white_label: false },
    });
  });
});
