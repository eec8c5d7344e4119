import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

/*
 * SIGTERM finishes what is in flight: a webhook attempt under way when the signal
 * arrives completes and is recorded, so after a restart nothing is sent again.
 */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'showtrust-shutdown-'));
const env = {
  SHOWTRUST_DATA_DIR: dataDir,
  WEBHOOKS_ALLOW_HTTP: 'true',
  WEBHOOKS_ALLOW_PRIVATE: 'true',
  WEBHOOK_TIMEOUT_MS: '5000',
  JOB_LEASE_MS: '8000',
};
const servers: ServerProcess[] = [];
let receiver: http.Server | undefined;

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop('SIGKILL')));
  await new Promise((r) => (receiver ? receiver.close(r) : r(undefined)));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('graceful shutdown', () => {
  it('completes an in-flight delivery on SIGTERM and sends nothing twice after restart', async () => {
    let server = await startServerProcess(env);
    servers.push(server);
    const key = server.apiKey!;
    const requests: string[] = [];
    let signalled: Promise<number | null> | undefined;

    receiver = http.createServer((req, res) => {
      requests.push(String(req.headers['webhook-id']));
      req.resume();
      // The signal arrives while this attempt is in flight; the answer comes later.
      signalled ??= server.stop('SIGTERM');
      setTimeout(() => res.writeHead(200).end('ok'), 1_500);
    });
    await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const endpoint = await fetch(`${server.url}/v1/webhook-endpoints`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ url: hookUrl, events: ['testimonial.created'] }),
    });
    expect(endpoint.status).toBe(201);
    const { id: endpointId } = (await endpoint.json()) as { id: string };
    const created = await fetch(`${server.url}/v1/testimonials`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ text: 'Shut down gently', author_name: 'Grace' }),
    });
    expect(created.status).toBe(201);

    await expect.poll(() => signalled, { timeout: 10_000 }).toBeDefined();
    expect(await signalled).toBe(0);

    server = await startServerProcess(env);
    servers.push(server);
    // Longer than the first retry (5 s + 20 %): a lost result would be sent again by now.
    await new Promise((r) => setTimeout(r, 7_000));
    expect(requests).toHaveLength(1);
    const deliveries = await fetch(`${server.url}/v1/webhook-endpoints/${endpointId}/deliveries`, {
      headers,
    });
    const body = (await deliveries.json()) as {
      data: { status: string; last_status_code: number }[];
    };
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({ status: 'succeeded', last_status_code: 200 });
  }, 40_000);
});
