import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGuardedAgent, guardedLookup } from './guarded-agent.js';
import { RESPONSE_EXCERPT_MAX_BYTES, excerptText, sendWebhook } from './sender.js';

type Reply = (req: http.IncomingMessage, res: http.ServerResponse) => void;

let reply: Reply = (_req, res) => res.end('ok');
const received: { headers: http.IncomingHttpHeaders; body: Buffer; url: string }[] = [];
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ headers: req.headers, body: Buffer.concat(chunks), url: req.url ?? '' });
    reply(req, res);
  });
});
let base = '';
const open = new Agent();

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  received.length = 0;
  reply = (_req, res) => res.end('ok');
});
afterAll(async () => {
  await open.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const message = (url: string, body = Buffer.from('{"a":"é😍"}')) => ({
  url,
  body,
  headers: { 'content-type': 'application/json' },
});

describe('sendWebhook', () => {
  it('sends the exact bytes with their byte length as Content-Length', async () => {
    const body = Buffer.from('{"text":"Zoë 😍 \u2028"}', 'utf8');
    const outcome = await sendWebhook(open, message(`${base}/in`, body), 2_000);
    expect(outcome).toMatchObject({ statusCode: 200, error: null, responseExcerpt: 'ok' });
    expect(received[0]!.body.equals(body)).toBe(true);
    expect(received[0]!.headers['content-length']).toBe(String(body.length));
  });

  it('keeps at most 4096 bytes of a large response', async () => {
    reply = (_req, res) => res.end('é'.repeat(20_000));
    const outcome = await sendWebhook(open, message(base), 2_000);
    expect(outcome.statusCode).toBe(200);
    expect(RESPONSE_EXCERPT_MAX_BYTES).toBe(4_096);
    expect(Buffer.byteLength(outcome.responseExcerpt!)).toBe(4_096);
    expect(outcome.responseExcerpt).toBe('é'.repeat(2_048));
  });

  it('does not follow redirects', async () => {
    reply = (_req, res) => res.writeHead(302, { location: `${base}/elsewhere` }).end();
    const outcome = await sendWebhook(open, message(`${base}/start`), 2_000);
    expect(outcome).toMatchObject({ statusCode: 302, error: 'redirects are not followed' });
    expect(received.map((r) => r.url)).toEqual(['/start']);
  });

  it('reports Retry-After and non-2xx statuses', async () => {
    reply = (_req, res) => res.writeHead(503, { 'retry-after': '120' }).end('busy');
    const outcome = await sendWebhook(open, message(base), 2_000);
    expect(outcome).toMatchObject({
      statusCode: 503,
      error: null,
      responseExcerpt: 'busy',
      retryAfter: '120',
    });
  });

  it('times out a receiver that never answers', async () => {
    reply = () => {};
    const outcome = await sendWebhook(open, message(base), 300);
    expect(outcome).toMatchObject({ statusCode: null, error: 'timed out after 300 ms' });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(250);
  });

  it('records a refused connection as an error', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const outcome = await sendWebhook(open, message(`http://127.0.0.1:${port}/`), 2_000);
    expect(outcome.statusCode).toBeNull();
    expect(outcome.error).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);
  });
});

describe('excerptText', () => {
  it('never splits a UTF-8 sequence and drops NUL characters', () => {
    const bytes = Buffer.from('ab😍cd', 'utf8');
    expect(excerptText(bytes, 3)).toBe('ab');
    expect(excerptText(bytes, 6)).toBe('ab😍');
    expect(excerptText(Buffer.from('a\u0000b'), 10)).toBe('ab');
  });
});

describe('guarded agent', () => {
  const guarded = createGuardedAgent({ allowPrivate: false, connectTimeoutMs: 2_000 });
  afterAll(async () => {
    await guarded.close();
  });

  it('refuses a literal loopback address before connecting', async () => {
    const outcome = await sendWebhook(guarded, message(`${base}/x`), 2_000);
    expect(outcome.statusCode).toBeNull();
    expect(outcome.error).toBe('refused to connect to 127.0.0.1 (loopback address)');
    expect(received).toHaveLength(0);
  });

  it('refuses a hostname that resolves to loopback, at connect time', async () => {
    const port = new URL(base).port;
    const outcome = await sendWebhook(guarded, message(`http://localhost:${port}/x`), 2_000);
    expect(outcome.statusCode).toBeNull();
    expect(outcome.error).toMatch(
      /^refused to connect to (127\.0\.0\.1|::1) \(loopback address\)$/,
    );
    expect(received).toHaveLength(0);
  });

  it('refuses an IPv4-mapped IPv6 literal', async () => {
    const port = new URL(base).port;
    const outcome = await sendWebhook(
      guarded,
      message(`http://[::ffff:127.0.0.1]:${port}/x`),
      2_000,
    );
    expect(outcome.error).toBe('refused to connect to ::ffff:7f00:1 (loopback address)');
    expect(received).toHaveLength(0);
  });

  it('lets the same request through when private addresses are allowed', async () => {
    const permissive = createGuardedAgent({ allowPrivate: true, connectTimeoutMs: 2_000 });
    const outcome = await sendWebhook(permissive, message(`${base}/x`), 2_000);
    await permissive.close();
    expect(outcome.statusCode).toBe(200);
    expect(received).toHaveLength(1);
  });

  it('answers both lookup call styles and drops blocked addresses', async () => {
    const single = await new Promise<unknown[]>((resolve) =>
      guardedLookup('localhost', {}, (...args) => resolve(args)),
    );
    expect((single[0] as Error).message).toMatch(/^refused to connect to .* \(loopback address\)$/);
    const all = await new Promise<unknown[]>((resolve) =>
      guardedLookup('localhost', { all: true }, (...args) => resolve(args)),
    );
    expect((all[0] as Error).name).toBe('BlockedAddressError');
  });
});
