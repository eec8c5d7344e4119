import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, testDialects, type TestContext } from '../../test/support/harness.js';
import { HTML_PAGE, multipartBody, pngPolyglot, solidPng } from '../../test/support/images.js';
import { MAX_PHOTO_BYTES } from '../media/photo.js';

const dialects = await testDialects();
const PHOTO = solidPng(4, [0, 160, 90]);

describe.each(dialects)('hosted form photo (%s)', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect, { env: { FORM_RATE_LIMIT_PER_MINUTE: '10000' } });
  });
  afterAll(async () => t.close());

  async function send(author: string, file?: { filename: string; type: string; bytes: Buffer }) {
    const page = await t.app.inject({ url: '/f/default' });
    const token = /name="_token" value="([^"]+)"/.exec(page.body)![1]!;
    const fields = { _token: token, text: 'With my face', author_name: author, consent: 'yes' };
    const { body, contentType } = multipartBody(fields, file && { name: 'photo', ...file });
    return t.app.inject({
      method: 'POST',
      url: '/f/default',
      headers: { 'content-type': contentType, origin: 'http://127.0.0.1:3000' },
      payload: body,
    });
  }

  async function stored(author: string) {
    const list = await t.app.inject({ url: '/v1/testimonials?limit=100', headers: t.auth() });
    return list.json().data.find((x: { author_name: string }) => x.author_name === author);
  }

  it('stores the photo with the submission, under its real type whatever the name says', async () => {
    const res = await send('Photo Person', {
      filename: 'me.jpg',
      type: 'image/jpeg',
      bytes: PHOTO,
    });
    expect([res.statusCode, res.headers.location]).toEqual([303, '/f/default/thanks']);
    const testimonial = await stored('Photo Person');
    expect(testimonial.author_avatar_url).toMatch(/^\/media\/med_/);
    const own = await t.app.inject({
      url: `/v1/testimonials/${testimonial.id}/photo`,
      headers: t.auth(),
    });
    expect([own.headers['content-type'], own.rawPayload.equals(PHOTO)]).toEqual([
      'image/png',
      true,
    ]);
    // Pending: not public yet.
    expect((await t.app.inject({ url: testimonial.author_avatar_url })).statusCode).toBe(404);
  });

  it('answers a multipart body it cannot follow with the 400 page, not a 500', async () => {
    const part = 'Content-Disposition: form-data; name="author_name"\r\n\r\nAda\r\n';
    const bodies = [
      { type: 'multipart/form-data', body: `--XB\r\n${part}--XB--\r\n` }, // no boundary given
      { type: 'multipart/form-data; boundary=YY', body: `--XB\r\n${part}--XB--\r\n` },
      { type: 'multipart/form-data; boundary=XB', body: `--XB\r\n${part.slice(0, 40)}` },
    ];
    for (const { type, body } of bodies) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/f/default',
        headers: { 'content-type': type, origin: 'http://127.0.0.1:3000' },
        payload: body,
      });
      expect([type, res.statusCode]).toEqual([type, 400]);
      expect(res.body).toContain('The form could not be read');
    }
  });

  it('takes a submission without a photo, multipart or an empty file input', async () => {
    const res = await send('No Photo', {
      filename: '',
      type: 'application/octet-stream',
      bytes: Buffer.alloc(0),
    });
    expect(res.statusCode).toBe(303);
    expect((await stored('No Photo')).author_avatar_url).toBeNull();
  });

  it('gives the form back with the answers and a sentence for a page, a polyglot or an oversize photo', async () => {
    const cases = [
      { bytes: HTML_PAGE, status: 422, message: 'Please choose a JPEG, PNG or WebP image.' },
      { bytes: pngPolyglot(), status: 422, message: 'Please choose a JPEG, PNG or WebP image.' },
      {
        bytes: Buffer.concat([PHOTO, Buffer.alloc(MAX_PHOTO_BYTES)]),
        status: 413,
        message: 'Please choose a photo of up to 2 MB.',
      },
    ];
    for (const [i, { bytes, status, message }] of cases.entries()) {
      const author = `Refused ${i}`;
      const res = await send(author, { filename: 'me.png', type: 'image/png', bytes });
      expect([i, res.statusCode]).toEqual([i, status]);
      expect(res.body).toContain(`<span class="visually-hidden">Error: </span>${message}</p>`);
      expect(res.body).toContain('<li><a href="#photo">');
      expect(res.body).toContain(`value="${author}"`);
      expect(res.body).toContain('aria-describedby="photo-hint photo-error" aria-invalid="true"');
      expect(await stored(author)).toBeUndefined();
    }
  });
});
