import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURES } from '../src/app.js';
import { ERROR_CODES } from '../src/platform/errors.js';
import { createHttpApp, listRoutes } from '../src/platform/http/app.js';
import { createTestContext, testDialects, type TestContext } from './support/harness.js';

const dialects = await testDialects();

/** Sends only the headers of a large upload and reports what the server answers before the body. */
function answerBeforeBody(port: number, contentLength: number, apiKey: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(
        `POST /v1/testimonials HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
          `Authorization: Bearer ${apiKey}\r\n` +
          `Content-Length: ${contentLength}\r\n\r\n{"text":"`,
      );
    });
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
      if (received.includes('\r\n\r\n')) {
        socket.destroy();
        resolve(received);
      }
    });
    socket.on('error', reject);
    setTimeout(() => reject(new Error('no answer before the body was sent')), 5000).unref();
  });
}

describe.each(dialects)('API conventions (%s)', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(async () => t.close());

  it('C05: a cross-origin preflight succeeds without a key and lists the requested headers', async () => {
    const res = await t.app.inject({
      method: 'OPTIONS',
      url: '/v1/testimonials',
      headers: {
        origin: 'https://app.partner.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-headers']).toBe('authorization, content-type');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('C05: a keyless GET gets a 401 problem that still carries CORS headers', async () => {
    const res = await t.app.inject({
      url: '/v1/testimonials',
      headers: { origin: 'https://app.partner.example' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(String(res.headers['access-control-expose-headers'])).toContain('request-id');
    expect(res.json()).toMatchObject({ code: 'unauthorized', status: 401 });
  });

  it('C04: a 6 MB body gets 413 before it is sent whole', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as net.AddressInfo;
    const answer = await answerBeforeBody(port, 6 * 1024 * 1024, t.apiKey);
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer).toContain('application/problem+json');
  });

  it('C04: a 450 KB body is read (no 413) and 120 KB of text is a 422 naming the field', async () => {
    const big = await t.app.inject({
      method: 'POST',
      url: '/v1/testimonials',
      headers: t.auth(),
      payload: {
        author_name: 'Long',
        text: 'é'.repeat(120_000),
        title: 'x'.repeat(330_000).slice(0, 100),
      },
    });
    expect(big.statusCode).toBe(422);
    expect(big.json().code).toBe('validation_failed');
    expect(big.json().errors).toEqual([
      { field: '/text', message: 'must NOT have more than 5000 characters' },
    ]);

    const padded = JSON.stringify({ author_name: 'Pad', text: 'ok', tags: ['a'.repeat(460_000)] });
    expect(padded.length).toBeGreaterThan(450_000);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/testimonials',
      headers: { ...t.auth(), 'content-type': 'application/json' },
      payload: padded,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].field).toBe('/tags/0');
  });

  it('answers an undecodable URL with a problem, a request id and CORS', async () => {
    const res = await t.app.inject({
      url: '/v1/testimonials/%E0%A4%A',
      headers: { origin: 'https://x.example' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      code: 'bad_request',
      request_id: res.headers['request-id'],
    });
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('names the allowed values of an enum and drops the null branch of a nullable field', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/testimonials',
      headers: t.auth(),
      payload: { text: 'ok', author_name: 'E', status: 'published', rating: 9 },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([
      { field: '/rating', message: 'must be <= 5' },
      {
        field: '/status',
        message: 'must be one of: "pending", "approved", "rejected", "archived"',
      },
    ]);
  });

  it('answers a wrong media type with 415 and every response with a request-id', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/testimonials',
      headers: { ...t.auth(), 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('unsupported_media_type');
    expect(res.headers['request-id']).toBe(res.json().request_id);
    const missing = await t.app.inject({ url: '/nope' });
    expect(missing.headers['request-id']).toMatch(/^req_[0-9a-z]{26}$/);
  });

  it('publishes an OpenAPI 3.1 document whose problem codes match the registry', async () => {
    const doc = (await t.app.inject({ url: '/v1/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/testimonials', '/v1/testimonials/{id}']),
    );
    const problem = doc.components.schemas.Problem;
    const codes = problem.properties.code.anyOf.map(
      (c: { const?: string; enum?: string[] }) => c.const ?? c.enum?.[0],
    );
    expect(codes.sort()).toEqual(Object.keys(ERROR_CODES).sort());
    const docs = await t.app.inject({ url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('C25: no route pairs a foreign origin with credentials; the widget feed answers *', async () => {
    const evil = 'https://evil.example';
    const ownOrigin = new URL(t.services.config.publicUrl).origin;
    const concrete = (url: string) =>
      url
        .replace(':id', t.widgetId)
        .replace(/:[a-z_]+/gi, 'x')
        .replace('*', 'anything');
    const routes = listRoutes(t.app).filter((r) => r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(30);

    for (const route of routes) {
      const url = concrete(route.url);
      const withBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
      const answers = await Promise.all([
        t.app.inject({
          method: route.method as 'GET',
          url,
          // Credentials as a page sends them (a cookie), never a key: nothing here changes data.
          headers: { origin: evil, cookie: 'session=stolen' },
          ...(withBody ? { payload: {} } : {}),
        }),
        t.app.inject({
          method: 'OPTIONS',
          url,
          headers: {
            origin: evil,
            'access-control-request-method': route.method === 'OPTIONS' ? 'GET' : route.method,
            'access-control-request-headers': 'authorization, content-type',
          },
        }),
      ]);
      for (const res of answers) {
        const allowOrigin = res.headers['access-control-allow-origin'];
        const credentials = res.headers['access-control-allow-credentials'];
        const foreignWithCredentials =
          credentials === 'true' && allowOrigin !== undefined && allowOrigin !== ownOrigin;
        expect([route.method, route.url, foreignWithCredentials]).toEqual([
          route.method,
          route.url,
          false,
        ]);
        if (allowOrigin !== undefined && allowOrigin !== '*') {
          expect([route.url, String(res.headers.vary)]).toEqual([
            route.url,
            expect.stringMatching(/origin/i),
          ]);
        }
      }
    }

    const feed = await t.app.inject({
      url: `/public/v1/widgets/${t.widgetId}`,
      headers: { origin: evil, cookie: 'session=stolen' },
    });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['access-control-allow-origin']).toBe('*');
    expect(feed.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('hides internal error text in a 500 and keeps secrets out of the logs (C07)', async () => {
    const app = await createHttpApp(t.services, {
      features: [
        ...FEATURES,
        async (scoped) => {
          scoped.get('/v1/explode', async () => {
            throw new Error(`database password hunter2 and key ${t.apiKey}`);
          });
        },
      ],
    });
    const planted = 'st_live_INVENTED0123456789';
    const queried = await app.inject({ url: `/v1/testimonials?api_key=${planted}` });
    expect(queried.statusCode).toBe(400);
    expect(queried.json().detail).toContain('Authorization: Bearer');
    const failed = await app.inject({
      url: '/v1/testimonials',
      headers: { authorization: `Bearer ${planted}` },
    });
    expect(failed.statusCode).toBe(401);
    const res = await app.inject({ url: '/v1/explode', headers: t.auth() });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'internal_error', title: 'Internal server error' });
    expect(res.body).not.toContain('hunter2');
    await app.close();

    const logs = t.logs.join('\n');
    expect(logs).not.toContain(planted);
    expect(logs).not.toContain(t.apiKey);
    expect(logs).toContain('request failed');
  });
});
