import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/support/harness.js';
import { CUSTOMER_EVENT_BODY_LIMIT_BYTES } from './customer-event-schema.js';

/**
 * C04 over a real socket: a 6 MB event is refused with 413 while the client has sent only
 * its first 64 KB, so the server never holds the whole body.
 */

interface RawResponse {
  head: string;
  body: string;
  bytesSent: number;
}

function sendPartially(port: number, apiKey: string, headers: string, firstChunk: Buffer) {
  return new Promise<RawResponse>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.setTimeout(10_000, () => reject(new Error('no answer while the body was incomplete')));
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.destroy();
      resolve({
        head: received.slice(0, end),
        body: received.slice(end + 4),
        bytesSent: firstChunk.length,
      });
    });
    socket.write(
      `POST /v1/customer-events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${apiKey}\r\n` +
        `Content-Type: application/json\r\n${headers}\r\n`,
    );
    socket.write(firstChunk);
  });
}

describe('customer event body limit on a real socket (C04)', () => {
  let t: TestContext;
  let port: number;
  beforeAll(async () => {
    t = await createTestContext('sqlite');
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => t.close());

  const start = Buffer.from(
    `{"id":"big","type":"nps.responded","properties":{"comment":"${'x'.repeat(64 * 1024)}`,
  );

  it('answers 413 from the declared length, before the body arrives', async () => {
    const res = await sendPartially(
      port,
      t.apiKey,
      `Content-Length: ${6 * 1024 * 1024}\r\n`,
      start,
    );
    expect(res.head).toMatch(/^HTTP\/1\.1 413 /);
    expect(res.head.toLowerCase()).toContain('content-type: application/problem+json');
    expect(res.bytesSent).toBeLessThan(CUSTOMER_EVENT_BODY_LIMIT_BYTES);
  });

  it('stops reading a chunked body once it passes the limit', async () => {
    const chunk = Buffer.alloc(CUSTOMER_EVENT_BODY_LIMIT_BYTES + 1024, 'x');
    const framed = Buffer.concat([
      Buffer.from(`${chunk.length.toString(16)}\r\n`),
      chunk,
      Buffer.from('\r\n'),
    ]);
    const res = await sendPartially(port, t.apiKey, 'Transfer-Encoding: chunked\r\n', framed);
    expect(res.head).toMatch(/^HTTP\/1\.1 413 /);
  });
});
