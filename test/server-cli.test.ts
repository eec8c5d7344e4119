import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startServerProcess, type ServerProcess } from './support/server-process.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'showtrust-cli-'));
const running: ServerProcess[] = [];

afterAll(async () => {
  await Promise.all(running.map((s) => s.stop('SIGKILL')));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('showtrust serve and the CLI', () => {
  let firstKey: string | undefined;

  it('prints the form URL, the demo URL and a key once on first start, then shuts down cleanly', async () => {
    const server = await startServerProcess({ SHOWTRUST_DATA_DIR: dataDir });
    running.push(server);
    expect(server.output()).toContain(`Hosted form: ${server.url}/f/default`);
    expect(server.output()).toContain(`Demo page:   ${server.url}/demo`);
    firstKey = server.apiKey;
    expect(firstKey).toMatch(/^st_live_[0-9A-Za-z]{38}$/);

    const list = await fetch(`${server.url}/v1/testimonials`, {
      headers: { authorization: `Bearer ${firstKey}` },
    });
    expect(list.status).toBe(200);
    expect(await server.stop('SIGTERM')).toBe(0);
  });

  it('prints the URLs but no key on later starts', async () => {
    const server = await startServerProcess({ SHOWTRUST_DATA_DIR: dataDir });
    running.push(server);
    expect(server.output()).toContain('Hosted form:');
    expect(server.output()).not.toContain('st_live_');
    expect(server.apiKey).toBeUndefined();
    expect(await server.stop('SIGTERM')).toBe(0);
  });

  it('api-keys create prints only the new secret, limited to its scopes', async () => {
    const result = await runCli(
      ['api-keys', 'create', '--name', 'reader', '--scopes', 'testimonials:read'],
      {
        SHOWTRUST_DATA_DIR: dataDir,
      },
    );
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const key = lines[0]!;
    expect(key).toMatch(/^st_live_/);
    expect(result.stderr).not.toContain(key);

    const server = await startServerProcess({ SHOWTRUST_DATA_DIR: dataDir });
    running.push(server);
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    expect((await fetch(`${server.url}/v1/testimonials`, { headers })).status).toBe(200);
    const write = await fetch(`${server.url}/v1/testimonials`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ text: 'x', author_name: 'y' }),
    });
    expect(write.status).toBe(403);
    expect((await write.json()).code).toBe('forbidden');
    await server.stop('SIGTERM');
  });

  it('refuses unknown scopes and a missing name as usage errors', async () => {
    const bad = await runCli(['api-keys', 'create', '--name', 'x', '--scopes', 'everything'], {
      SHOWTRUST_DATA_DIR: dataDir,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown scope(s): everything');
    const unnamed = await runCli(['api-keys', 'create'], { SHOWTRUST_DATA_DIR: dataDir });
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toContain('--name is required');
  });

  it.each([
    ['PORT', 'abc', 'PORT must be a whole number'],
    [
      'DATABASE_URL',
      'mysql://localhost/db',
      'DATABASE_URL must start with postgres:// or postgresql://',
    ],
    ['PUBLIC_URL', 'not a url', 'PUBLIC_URL must be a URL'],
    ['WEBHOOKS_ALLOW_HTTP', 'maybe', 'WEBHOOKS_ALLOW_HTTP must be true or false'],
  ])('stops start-up on an invalid %s and names it', async (name, value, message) => {
    const result = await runCli(['serve'], {
      SHOWTRUST_DATA_DIR: dataDir,
      PORT: '0',
      [name]: value,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Invalid configuration: ${message}`);
  });
});
