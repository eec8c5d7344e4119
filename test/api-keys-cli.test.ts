import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startServerProcess, type ServerProcess } from './support/server-process.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'showtrust-keys-cli-'));
const running: ServerProcess[] = [];
const env = { SHOWTRUST_DATA_DIR: dataDir, LOG_LEVEL: 'debug' };
const PLANTED = 'st_live_INVENTED0123456789';

afterAll(async () => {
  await Promise.all(running.map((s) => s.stop('SIGKILL')));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Every `st_live_` run of characters in text that is longer than a masked prefix. */
function unmaskedKeys(text: string): string[] {
  return [...text.matchAll(/st_live_[0-9A-Za-z]{5,}/g)].map((m) => m[0]);
}

describe('showtrust api-keys and secrets in process output (C07)', () => {
  let bootstrapKey: string;
  let kept: string;
  let revoked: string;
  const cliOutput: string[] = [];

  it('creates, lists and revokes keys, printing a secret only once, on stdout alone', async () => {
    const first = await startServerProcess(env);
    running.push(first);
    bootstrapKey = first.apiKey!;
    await first.stop('SIGTERM');

    const create = (name: string, extra: string[] = []) =>
      runCli(
        [
          'api-keys',
          'create',
          '--name',
          name,
          '--scopes',
          'testimonials:read,testimonials:write',
          ...extra,
        ],
        env,
      );
    const a = await create('kept');
    const b = await create('revoked', ['--expires-at', '2099-01-01T00:00:00Z']);
    for (const result of [a, b]) {
      expect(result.code).toBe(0);
      expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(1);
      cliOutput.push(result.stderr);
    }
    kept = a.stdout.trim();
    revoked = b.stdout.trim();
    expect(kept).toMatch(/^st_live_[0-9A-Za-z]{38}$/);

    const list = await runCli(['api-keys', 'list'], env);
    expect(list.code).toBe(0);
    const lines = list.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain(`${revoked.slice(0, 12)}…${revoked.slice(-4)}\trevoked\t`);
    expect(lines[0]).toContain('expires 2099-01-01T00:00:00.000Z');
    expect(lines[1]).toContain('\tkept\ttestimonials:read,testimonials:write\t');
    expect(lines[2]).toContain('Created on first start');
    expect(unmaskedKeys(list.stdout)).toEqual([]);
    cliOutput.push(list.stdout, list.stderr);

    const keyId = lines[0]!.split('\t')[0]!;
    const revoke = await runCli(['api-keys', 'revoke', keyId], env);
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toMatch(new RegExp(`^revoked ${keyId} at \\d{4}-`));
    const again = await runCli(['api-keys', 'list'], env);
    expect(again.stdout.split('\n')[0]).toMatch(/\trevoked \d{4}-/);
    cliOutput.push(revoke.stdout, revoke.stderr, again.stdout, again.stderr);

    const unknown = await runCli(['api-keys', 'revoke', 'key_00000000000000000000000000'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('API key not found');
    const past = await create('late', ['--expires-at', '2000-01-01T00:00:00Z']);
    expect(past.code).toBe(2);
    expect(past.stderr).toContain('--expires-at must be in the future');
    cliOutput.push(unknown.stderr, past.stdout, past.stderr);
  }, 120_000);

  it('keeps every key out of a real server’s output through refusals and a forced 500', async () => {
    const server = await startServerProcess(env);
    running.push(server);
    const call = (url: string, headers: Record<string, string> = {}, init: RequestInit = {}) =>
      fetch(`${server.url}${url}`, { ...init, headers });

    const inQuery = await call(`/v1/testimonials?api_key=${PLANTED}`);
    expect(inQuery.status).toBe(400);
    expect((await inQuery.json()).detail).toContain('Authorization: Bearer');
    expect((await call('/v1/testimonials', { authorization: `Bearer ${PLANTED}` })).status).toBe(
      401,
    );
    expect((await call('/v1/testimonials', { authorization: `Bearer ${revoked}` })).status).toBe(
      401,
    );
    const ok = await call('/v1/testimonials', {
      authorization: `Bearer ${kept}`,
      cookie: `session=${PLANTED}`,
      'x-api-key': kept,
    });
    expect(ok.status).toBe(200);

    // Hold the database's write lock so the server's next write times out: a real 500.
    const lock = new SQLite(path.join(dataDir, 'showtrust.db'));
    lock.exec('BEGIN EXCLUSIVE');
    try {
      const failed = await call(
        '/v1/testimonials',
        { authorization: `Bearer ${kept}`, 'content-type': 'application/json' },
        { method: 'POST', body: JSON.stringify({ author_name: 'Lock', text: `key ${kept}` }) },
      );
      expect(failed.status).toBe(500);
      const problem = await failed.json();
      expect(problem.code).toBe('internal_error');
      expect(JSON.stringify(problem)).not.toContain('SQLITE');
    } finally {
      lock.exec('ROLLBACK');
      lock.close();
    }
    expect(await server.stop('SIGTERM')).toBe(0);

    const stdout = server.output();
    const stderr = server.errors();
    expect(stdout).toContain('request failed');
    expect(stdout).toContain('"status":401');
    for (const text of [stdout, stderr, ...cliOutput]) {
      expect(text).not.toContain(PLANTED);
      expect(text).not.toContain(kept);
      expect(text).not.toContain(revoked);
      expect(text).not.toContain(bootstrapKey);
      expect(unmaskedKeys(text)).toEqual([]);
    }
    expect(stdout).toContain('/v1/testimonials?api_key=[redacted]');
  }, 60_000);
});
