import { Webhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { describe, expect, it, vi } from 'vitest';
import {
  SECRET_BYTES,
  generateSecret,
  signPayload,
  signatureHeader,
  signingKey,
} from './signing.js';

describe('webhook signing', () => {
  it('matches the published Standard Webhooks test vector', () => {
    const signature = signPayload(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      Buffer.from('{"test": 2432232314}'),
    );
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('generates whsec_ secrets of 32 random bytes', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(signingKey(secret)).toHaveLength(SECRET_BYTES);
    expect(generateSecret()).not.toBe(secret);
  });

  it('signs the bytes, so multi-byte text verifies with the reference library', () => {
    const secret = generateSecret();
    const body = Buffer.from('{"text":"café 😍 \u2028 “q”"}', 'utf8');
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'evt_1',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signPayload(secret, 'evt_1', timestamp, body),
    };
    expect(new Webhook(secret).verify(body.toString('utf8'), headers)).toEqual(
      JSON.parse(body.toString('utf8')),
    );
    expect(headers['webhook-signature']).toBe(
      new Webhook(secret).sign('evt_1', new Date(timestamp * 1000), body.toString('utf8')),
    );
  });

  it('changes when the id, timestamp or body changes', () => {
    const secret = generateSecret();
    const base = signPayload(secret, 'evt_1', 100, Buffer.from('{}'));
    expect(signPayload(secret, 'evt_2', 100, Buffer.from('{}'))).not.toBe(base);
    expect(signPayload(secret, 'evt_1', 101, Buffer.from('{}'))).not.toBe(base);
    expect(signPayload(secret, 'evt_1', 100, Buffer.from('{ }'))).not.toBe(base);
  });

  it('refuses a secret without the whsec_ prefix', () => {
    expect(() => signingKey('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toThrow(/whsec_/);
  });

  it('verifies with svix too, and so does the published vector', () => {
    const secret = generateSecret();
    const body = Buffer.from('{"type":"testimonial.created","data":{"text":"😍"}}', 'utf8');
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'evt_2',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signPayload(secret, 'evt_2', timestamp, body),
    };
    expect(new SvixWebhook(secret).verify(body.toString('utf8'), headers)).toEqual(
      JSON.parse(body.toString('utf8')),
    );
    const forged = {
      ...headers,
      'webhook-signature': signPayload(generateSecret(), 'evt_2', timestamp, body),
    };
    expect(() => new SvixWebhook(secret).verify(body.toString('utf8'), forged)).toThrow();

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1614265330 * 1000);
    try {
      const vector = new SvixWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').verify(
        '{"test": 2432232314}',
        {
          'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
          'webhook-timestamp': '1614265330',
          'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
        },
      );
      expect(vector).toEqual({ test: 2432232314 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('puts one space-separated signature per secret, each verifiable on its own', () => {
    const [current, previous, stranger] = [generateSecret(), generateSecret(), generateSecret()];
    const body = Buffer.from('{"a":1}');
    const timestamp = Math.floor(Date.now() / 1000);
    const header = signatureHeader([current, previous], 'evt_3', timestamp, body);
    expect(header.split(' ')).toEqual([
      signPayload(current, 'evt_3', timestamp, body),
      signPayload(previous, 'evt_3', timestamp, body),
    ]);
    const headers = {
      'webhook-id': 'evt_3',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': header,
    };
    for (const secret of [current, previous]) {
      expect(new Webhook(secret).verify('{"a":1}', headers)).toEqual({ a: 1 });
      expect(new SvixWebhook(secret).verify('{"a":1}', headers)).toEqual({ a: 1 });
    }
    expect(() => new Webhook(stranger).verify('{"a":1}', headers)).toThrow();
    expect(() => new SvixWebhook(stranger).verify('{"a":1}', headers)).toThrow();
  });
});
