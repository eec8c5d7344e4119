import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURES } from '../../app.js';
import {
  createTestContext,
  ManualClock,
  testDialects,
  type TestContext,
} from '../../../test/support/harness.js';
import { createHttpApp } from './app.js';
import { canonicalJson } from './idempotency.js';
import { IDEMPOTENCY_TTL_MS } from './idempotency-store.js';
import type { App } from './types.js';

const dialects = await testDialects();

describe('canonicalJson', () => {
  it('ignores key order and undefined members, keeps array order', () => {
    expect(canonicalJson({ b: 2, a: [1, { d: 4, c: 3 }], u: undefined })).toBe(
      '{"a":[1,{"c":3,"d":4}],"b":2}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });
});

/** Routes whose handler waits until the test lets it go, and one that fails its first call. */
function gatedFeature() {
  let release: () => void = () => {};
  let gate = Promise.resolve();
  let runs = 0;
  let flakyCalls = 0;
  return {
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    release: () => release(),
    runs: () => runs,
    feature: async (app: App, deps: Parameters<(typeof FEATURES)[number]>[1]) => {
      const write = deps.requireScope('testimonials:write');
      app.post('/v1/gated', { onRequest: write }, async (_request, reply) => {
        runs += 1;
        await gate;
        return reply.code(201).send({ run: runs });
      });
      app.post('/v1/flaky', { onRequest: write }, async (_request, reply) => {
        flakyCalls += 1;
        if (flakyCalls === 1) throw new Error('first call fails');
        return reply.code(201).send({ call: flakyCalls });
      });
    },
  };
}

describe.each(dialects)('Idempotency-Key on POST (%s)', (dialect) => {
  const clock = new ManualClock(Date.parse('2026-04-01T08:00:00.000Z'));
  let t: TestContext;
  const gated = gatedFeature();
  let app: App;
  beforeAll(async () => {
    t = await createTestContext(dialect, { clock });
    app = await createHttpApp(t.services, { features: [...FEATURES, gated.feature] });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  const create = (key: string | undefined, payload: Record<string, unknown>, apiKey = t.apiKey) =>
    app.inject({
      method: 'POST',
      url: '/v1/testimonials',
      headers: { ...t.auth(apiKey), ...(key === undefined ? {} : { 'idempotency-key': key }) },
      payload,
    });

  async function countByAuthor(name: string): Promise<number> {
    const rows = await t.services.db.kysely
      .selectFrom('testimonials')
      .select('id')
      .where('author_name', '=', name)
      .execute();
    return rows.length;
  }

  it('replays the first response for the same key and body, and creates once', async () => {
    const first = await create('order-1', { author_name: 'Replay', text: 'Great', rating: 5 });
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    const again = await app.inject({
      method: 'POST',
      url: '/v1/testimonials',
      headers: { ...t.auth(), 'idempotency-key': 'order-1', origin: 'https://app.example' },
      payload: { rating: 5, text: 'Great', author_name: 'Replay' },
    });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(String(again.headers['access-control-expose-headers'])).toContain('idempotent-replayed');
    expect(again.headers['content-type']).toContain('application/json');
    expect(again.json()).toEqual(first.json());
    expect(await countByAuthor('Replay')).toBe(1);
  });

  it('refuses the same key with a different body with a 422 problem', async () => {
    await create('order-2', { author_name: 'Mismatch', text: 'One' });
    const res = await create('order-2', { author_name: 'Mismatch', text: 'Two' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'idempotency_key_reused', status: 422 });
    expect(await countByAuthor('Mismatch')).toBe(1);
  });

  it('scopes keys to the credential', async () => {
    const other = await t.createWorkspace();
    const mine = await create('shared-key', { author_name: 'Scoped', text: 'Mine' });
    const theirs = await create(
      'shared-key',
      { author_name: 'Scoped', text: 'Theirs' },
      other.apiKey,
    );
    expect([mine.statusCode, theirs.statusCode]).toEqual([201, 201]);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.json().id).not.toBe(mine.json().id);
  });

  it('accepts keys of 1 to 255 characters and refuses others as a 422 naming the header', async () => {
    expect((await create('k', { author_name: 'Len', text: 'one' })).statusCode).toBe(201);
    expect((await create('x'.repeat(255), { author_name: 'Len', text: 'max' })).statusCode).toBe(
      201,
    );
    const long = await create('x'.repeat(256), { author_name: 'Len', text: 'long' });
    expect(long.statusCode).toBe(422);
    expect(long.json().errors).toEqual([
      { field: 'header:Idempotency-Key', message: 'must be 1 to 255 characters' },
    ]);
    expect((await create('', { author_name: 'Len', text: 'empty' })).statusCode).toBe(422);
    expect(await countByAuthor('Len')).toBe(2);
  });

  it('leaves the key unused when the body fails validation', async () => {
    const invalid = await create('fix-and-retry', { author_name: 'Fixed' });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json().code).toBe('validation_failed');
    const fixed = await create('fix-and-retry', { author_name: 'Fixed', text: 'now complete' });
    expect(fixed.statusCode).toBe(201);
    expect(fixed.headers['idempotent-replayed']).toBeUndefined();
  });

  it('keeps a response for 24 hours, then treats the key as new', async () => {
    const body = { author_name: 'Day', text: 'kept a day' };
    const first = await create('daily', body);
    clock.advance(IDEMPOTENCY_TTL_MS - 1);
    expect((await create('daily', body)).headers['idempotent-replayed']).toBe('true');
    clock.advance(1);
    const fresh = await create('daily', body);
    expect(fresh.statusCode).toBe(201);
    expect(fresh.headers['idempotent-replayed']).toBeUndefined();
    expect(fresh.json().id).not.toBe(first.json().id);
  });

  it('answers a duplicate sent while the first is in flight with 409, then replays', async () => {
    gated.hold();
    const request = () =>
      app.inject({
        method: 'POST',
        url: '/v1/gated',
        headers: { ...t.auth(), 'idempotency-key': 'concurrent' },
        payload: { n: 1 },
      });
    // inject() starts a request only when awaited; let the first reach its handler.
    const first = Promise.resolve(request());
    const runsBefore = gated.runs();
    for (let i = 0; i < 1000 && gated.runs() === runsBefore; i++) await sleep(5);
    expect(gated.runs()).toBe(runsBefore + 1);
    const duplicate = await request();
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json()).toMatchObject({ code: 'idempotency_key_in_use', status: 409 });
    expect(duplicate.headers['retry-after']).toBe('1');

    gated.release();
    const original = await first;
    expect(original.statusCode).toBe(201);
    expect(original.json()).toEqual({ run: gated.runs() });
    const later = await request();
    expect(later.headers['idempotent-replayed']).toBe('true');
    expect(later.json()).toEqual(original.json());
  });

  it('creates once when two identical requests race on a real route', async () => {
    const body = { author_name: 'Race', text: 'only once' };
    const [a, b] = await Promise.all([create('race', body), create('race', body)]);
    const outcomes = [a, b]
      .map((r) => `${r.statusCode} ${r.headers['idempotent-replayed'] ?? 'original'}`)
      .sort();
    // Either the second waited for nothing and replayed, or it arrived mid-flight.
    expect([
      ['201 original', '201 true'],
      ['201 original', '409 original'],
    ]).toContainEqual(outcomes);
    expect(await countByAuthor('Race')).toBe(1);
  });

  it('releases the key after a 5xx so a retry runs again', async () => {
    const send = () =>
      app.inject({
        method: 'POST',
        url: '/v1/flaky',
        headers: { ...t.auth(), 'idempotency-key': 'retry-after-500' },
        payload: {},
      });
    expect((await send()).statusCode).toBe(500);
    const retried = await send();
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.json()).toEqual({ call: 2 });
  });

  it('stores replayable bodies encrypted, so a new secret is not kept in the clear', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/webhook-endpoints',
      headers: { ...t.auth(), 'idempotency-key': 'new-endpoint' },
      payload: { url: 'http://127.0.0.1:9/replayed-hook', events: ['*'] },
    });
    expect(res.statusCode).toBe(201);
    const secret: string = res.json().secret;
    expect(secret).toMatch(/^whsec_/);
    const rows = await t.services.db.kysely.selectFrom('idempotency_keys').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(JSON.stringify(rows)).not.toContain('replayed-hook');
    const replay = await app.inject({
      method: 'POST',
      url: '/v1/webhook-endpoints',
      headers: { ...t.auth(), 'idempotency-key': 'new-endpoint' },
      payload: { url: 'http://127.0.0.1:9/replayed-hook', events: ['*'] },
    });
    expect(replay.json().secret).toBe(secret);
  });

  it('ignores the header on requests it does not apply to', async () => {
    const list = await app.inject({
      url: '/v1/testimonials',
      headers: { ...t.auth(), 'idempotency-key': 'x'.repeat(300) },
    });
    expect(list.statusCode).toBe(200);
  });
});
