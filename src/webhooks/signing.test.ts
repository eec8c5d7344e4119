import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { SECRET_BYTES, generateSecret, signPayload, signingKey } from './signing.js';

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
});
