import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/support/harness.js';
import { createHttpApp } from '../platform/http/app.js';
import type { App } from '../platform/http/types.js';
import { authenticator } from '../auth/authenticate.js';
import { embedScriptRoutes } from './embed-script.js';

describe('GET /embed.js', () => {
  let t: TestContext;
  let dir: string;
  const apps: App[] = [];

  beforeAll(async () => {
    t = await createTestContext('sqlite');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'showtrust-embed-'));
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function appServing(filePath: string): Promise<App> {
    const deps = { services: t.services, requireScope: authenticator(t.services) };
    const app = await createHttpApp(t.services, {
      features: [(scope) => embedScriptRoutes(scope, deps, { filePath })],
    });
    apps.push(app);
    return app;
  }

  it('serves the bundle read at start-up as cacheable JavaScript', async () => {
    const file = path.join(dir, 'embed.js');
    fs.writeFileSync(file, '(()=>{})();\n');
    const app = await appServing(file);
    fs.writeFileSync(file, 'changed after start-up');

    const res = await app.inject({ url: '/embed.js' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('(()=>{})();\n');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.headers['x-content-type-options']).toBe('nosniff');

    const again = await app.inject({
      url: '/embed.js',
      headers: { 'if-none-match': res.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('answers 503 with a problem saying how to build it when the bundle is missing', async () => {
    const app = await appServing(path.join(dir, 'missing.js'));
    const res = await app.inject({ url: '/embed.js' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('service_unavailable');
    expect(res.json().detail).toContain('npm run build');
    expect(t.logs.some((line) => JSON.parse(line).msg === 'embed script not built')).toBe(true);
  });
});
