import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTML_PAGE, pngPolyglot, solidPng } from '../../test/support/images.js';
import { createTestContext, testDialects, type TestContext } from '../../test/support/harness.js';
import { importTestimonials } from '../imports/import-testimonials.js';
import { MAX_PHOTO_BYTES } from './photo.js';
import { MEDIA_CACHE_CONTROL } from './routes.js';

const dialects = await testDialects();
const PHOTO = solidPng(8, [30, 120, 200]);

/** Collects a widget stream's `change` events until one removes `id` (or 10 s pass). */
function removalOf(url: string, id: string): Promise<{ removed: string[] }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no removal of ${id}`)), 10_000);
    const request = http.get(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (const block of buffer.split('\n\n').slice(0, -1)) {
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          const change = block.includes('event: change') && data && JSON.parse(data.slice(6));
          if (change?.removed?.includes(id)) {
            clearTimeout(timer);
            request.destroy();
            resolve(change);
          }
        }
      });
    });
    request.on('error', () => undefined);
  });
}

describe.each(dialects)('photos and consent on every public surface (%s)', (dialect) => {
  let t: TestContext;
  let base: string;

  beforeAll(async () => {
    t = await createTestContext(dialect, { startWorker: true });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => t.close());

  async function api(method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) {
    const res = await t.app.inject({ method, url, headers: t.auth(), payload });
    expect([url, res.statusCode]).toEqual([url, method === 'POST' ? 201 : 200]);
    return res.json();
  }

  async function putPhoto(id: string, bytes: Buffer, type = 'image/png') {
    return t.app.inject({
      method: 'PUT',
      url: `/v1/testimonials/${id}/photo`,
      headers: { ...t.auth(), 'content-type': type },
      payload: bytes,
    });
  }

  async function approved(tag: string, body: object = {}) {
    return api('POST', '/v1/testimonials', {
      status: 'approved',
      text: 'Set up in an afternoon.',
      author_name: 'Someone',
      tags: [tag],
      ...body,
    });
  }

  async function widgetFor(tag: string) {
    const settings = { tags: [tag], json_ld: true, json_ld_name: 'ShowTrust' };
    return api('POST', '/v1/widgets', { name: tag, kind: 'grid', settings });
  }

  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers });

  it('serves an uploaded photo with its type, nosniff, a script-free CSP, a 300 s bound and an ETag', async () => {
    const { id } = await approved('serve', { author_name: 'Ada' });
    const put = await putPhoto(id, PHOTO, 'application/octet-stream');
    expect(put.statusCode).toBe(200);
    const path = put.json().author_avatar_url as string;
    expect(path).toMatch(/^\/media\/med_[0-9a-z]{26}$/);

    const res = await get(path);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(PHOTO)).toBe(true);
    expect(res.headers).toMatchObject({
      'content-type': 'image/png',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'public, max-age=300',
      'cross-origin-resource-policy': 'cross-origin',
    });
    expect(MEDIA_CACHE_CONTROL).not.toMatch(/immutable|stale/);
    const etag = res.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]{43}"$/);
    expect((await get(path, { 'if-none-match': etag })).statusCode).toBe(304);

    const feed = (await get(`/public/v1/widgets/${(await widgetFor('serve')).id}`)).json();
    expect(feed.testimonials[0].author_avatar_url).toBe(`http://127.0.0.1:3000${path}`);
    const own = await get(`/v1/testimonials/${id}/photo`, t.auth());
    expect([own.statusCode, own.headers['cache-control']]).toEqual([200, 'private, no-store']);
  });

  it('answers 404 for ids never issued and for a photo whose testimonial is not public', async () => {
    for (const url of ['/media/med_00000000000000000000000000', '/media/nope', '/media/..%2f']) {
      const res = await get(url);
      expect([url, res.statusCode, res.json().code]).toEqual([url, 404, 'not_found']);
    }
    const pending = await api('POST', '/v1/testimonials', { text: 'Hm', author_name: 'P' });
    const path = (await putPhoto(pending.id, PHOTO)).json().author_avatar_url;
    expect((await get(path)).statusCode).toBe(404);
    await api('PATCH', `/v1/testimonials/${pending.id}`, { status: 'approved' });
    expect((await get(path)).statusCode).toBe(200);
  });

  it('answers 410 and drops the bytes once replaced, removed, deleted or consent revoked', async () => {
    const upload = async (id: string) => {
      const path = (await putPhoto(id, PHOTO)).json().author_avatar_url as string;
      expect((await get(path)).statusCode).toBe(200);
      return path;
    };
    const one = (await approved('gone')).id;
    const replaced = await upload(one);
    const current = await upload(one);
    const two = (await approved('gone')).id;
    const removed = await upload(two);
    expect((await api('DELETE', `/v1/testimonials/${two}/photo`)).author_avatar_url).toBeNull();
    const three = (await approved('gone')).id;
    const deleted = await upload(three);
    await api('DELETE', `/v1/testimonials/${three}`);
    const four = (await approved('gone')).id;
    const revoked = await upload(four);
    await api('PATCH', `/v1/testimonials/${four}`, { consent_given: false });

    for (const path of [replaced, removed, deleted, revoked]) {
      const res = await get(path);
      expect([path, res.statusCode, res.json().code]).toEqual([path, 410, 'gone']);
    }
    expect((await get(current)).statusCode).toBe(200);
    const rows = await t.services.db.kysely
      .selectFrom('media')
      .select(['id', 'bytes', 'gone_at'])
      .where(
        'id',
        'in',
        [replaced, removed, deleted, revoked].map((p) => p.slice(7)),
      )
      .execute();
    expect(rows.map((r) => [r.bytes, typeof r.gone_at])).toEqual(Array(4).fill([null, 'string']));
  });

  it('keeps one live photo when uploads race, and none once a racing revocation lands', async () => {
    const livePhotos = (id: string) =>
      t.services.db.kysely
        .selectFrom('media')
        .select('id')
        .where('testimonial_id', '=', id)
        .where('bytes', 'is not', null)
        .execute();
    const uploads = (id: string, n: number) => Array.from({ length: n }, () => putPhoto(id, PHOTO));

    const replaced = (await approved('race')).id;
    const replies = await Promise.all(uploads(replaced, 10));
    expect(replies.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    expect(await livePhotos(replaced)).toHaveLength(1);

    const revoked = (await approved('race')).id;
    const revoke = t.app.inject({
      method: 'PATCH',
      url: `/v1/testimonials/${revoked}`,
      headers: t.auth(),
      payload: { consent_given: false },
    });
    const raced = await Promise.all([...uploads(revoked, 6), revoke, ...uploads(revoked, 6)]);
    // An upload lands before the revocation (200, then retired) or after it (409).
    expect(raced.every((r) => r.statusCode === 200 || r.statusCode === 409)).toBe(true);
    expect(await livePhotos(revoked)).toEqual([]);
    const after = await t.app.inject({ url: `/v1/testimonials/${revoked}`, headers: t.auth() });
    expect(after.json()).toMatchObject({ consent_given: false, author_avatar_url: null });
  });

  it('refuses an HTML page or a polyglot named .png (422), other types (415) and oversize (413)', async () => {
    const { id } = await approved('refuse');
    for (const bytes of [HTML_PAGE, pngPolyglot(), PHOTO.subarray(0, PHOTO.length - 4)]) {
      const res = await putPhoto(id, bytes, 'image/png');
      expect([res.statusCode, res.json().code, res.json().errors]).toEqual([
        422,
        'validation_failed',
        [{ field: '/body', message: 'must be a JPEG, PNG or WebP image' }],
      ]);
    }
    const html = await putPhoto(id, HTML_PAGE, 'text/html');
    expect([html.statusCode, html.json().code]).toEqual([415, 'unsupported_media_type']);
    const json = await t.app.inject({
      method: 'PUT',
      url: `/v1/testimonials/${id}/photo`,
      headers: t.auth(),
      payload: { url: 'https://example.com/a.png' },
    });
    expect([json.statusCode, json.json().code]).toEqual([415, 'unsupported_media_type']);
    const big = await putPhoto(id, Buffer.concat([PHOTO, Buffer.alloc(MAX_PHOTO_BYTES)]));
    expect([big.statusCode, big.json().code]).toEqual([413, 'payload_too_large']);
    const after = await t.app.inject({ url: `/v1/testimonials/${id}`, headers: t.auth() });
    expect(after.json().author_avatar_url).toBeNull();
  });

  it('takes a revoked testimonial off the feed, HTML, wall, summary and JSON-LD, and streams its removal', async () => {
    const widget = await widgetFor('revoke');
    const keep = await approved('revoke', { author_name: 'Kept Author', rating: 5 });
    const gone = await approved('revoke', { author_name: 'Revoked Author', rating: 1 });
    await putPhoto(gone.id, PHOTO);
    const feedUrl = `/public/v1/widgets/${widget.id}`;
    const surfaces = async () => {
      const feed = (await get(feedUrl)).json();
      return {
        names: feed.testimonials.map((x: { author_name: string }) => x.author_name),
        summary: [feed.summary.count, feed.summary.average],
        jsonLd: JSON.stringify(feed.json_ld).includes('Revoked Author'),
        html: (await get(`${feedUrl}?format=html`)).body.includes('Revoked Author'),
        wall: (await get(`/w/${widget.slug}`)).body.includes('Revoked Author'),
        embed: (await get(`/embed/${widget.id}`)).body.includes('Revoked Author'),
      };
    };
    expect(await surfaces()).toEqual({
      names: ['Revoked Author', 'Kept Author'],
      summary: [2, 3],
      jsonLd: true,
      html: true,
      wall: true,
      embed: true,
    });

    const removal = removalOf(`${base}${feedUrl}/stream`, gone.id);
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the stream open first
    const revoked = await api('PATCH', `/v1/testimonials/${gone.id}`, { consent_given: false });
    expect(revoked).toMatchObject({
      consent_given: false,
      consent_revoked_at: expect.any(String),
      author_avatar_url: null,
      status: 'approved',
    });
    expect(await surfaces()).toEqual({
      names: ['Kept Author'],
      summary: [1, 5],
      jsonLd: false,
      html: false,
      wall: false,
      embed: false,
    });
    expect((await removal).removed).toEqual([gone.id]);
    expect(keep.consent_given).toBe(true);

    const types = await t.services.db.kysely
      .selectFrom('events')
      .select('type')
      .where('data', 'like', `%${gone.id}%`)
      .orderBy('id')
      .execute();
    expect(types.map((e) => e.type).slice(-2)).toEqual([
      'testimonial.updated',
      'testimonial.consent_revoked',
    ]);
    const again = await putPhoto(gone.id, PHOTO);
    expect([again.statusCode, again.json().code]).toEqual([409, 'conflict']);
  });

  it('never gives consent back through PATCH, and keeps a testimonial created without it private', async () => {
    const { id } = await approved('private', { consent_given: false });
    const restore = await t.app.inject({
      method: 'PATCH',
      url: `/v1/testimonials/${id}`,
      headers: t.auth(),
      payload: { consent_given: true },
    });
    expect([restore.statusCode, restore.json().code]).toEqual([422, 'validation_failed']);
    const feed = (await get(`/public/v1/widgets/${(await widgetFor('private')).id}`)).json();
    expect([feed.testimonials, feed.summary.count]).toEqual([[], 0]);
  });

  it('revokes only on a JSON false, and takes true back unchanged while consent stands', async () => {
    const { id } = await approved('loose');
    const patch = (payload: object) =>
      t.app.inject({ method: 'PATCH', url: `/v1/testimonials/${id}`, headers: t.auth(), payload });
    for (const loose of [null, 0, '', 'false']) {
      const res = await patch({ consent_given: loose });
      expect([loose, res.statusCode, res.json().detail]).toEqual([
        loose,
        422,
        '/consent_given must be true or false',
      ]);
    }
    const same = await patch({ consent_given: true, status: 'approved' });
    expect([same.statusCode, same.json().consent_given]).toEqual([200, true]);
    const feed = (await get(`/public/v1/widgets/${(await widgetFor('loose')).id}`)).json();
    expect(feed.summary.count).toBe(1);
  });

  it('shows imported rows unless their consent_given column says no', async () => {
    const csv =
      'author_name,text,tags,consent_given\n' +
      'Imported Yes,Great,imported,\n' +
      'Imported No,Great,imported,no\n' +
      'Imported Bad,Great,imported,maybe\n';
    const result = await importTestimonials(t.services, csv, {
      format: 'csv',
      defaultStatus: 'approved',
      workspaceId: t.workspaceId,
    });
    expect(result.imported).toBe(2);
    expect(result.rejected).toEqual([
      { record: 3, reasons: ['consent_given is not valid (Expected boolean)'] },
    ]);
    const feed = (await get(`/public/v1/widgets/${(await widgetFor('imported')).id}`)).json();
    expect(feed.testimonials.map((x: { author_name: string }) => x.author_name)).toEqual([
      'Imported Yes',
    ]);
  });
});
