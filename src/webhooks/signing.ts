import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com/): the signed content is
 * `<webhook-id>.<webhook-timestamp>.<body>` over the exact bytes sent, the key is the
 * base64 part of a `whsec_` secret, and the header value is `v1,<base64 HMAC-SHA256>`.
 */
export const SECRET_PREFIX = 'whsec_';
export const SECRET_BYTES = 32;
export const SIGNATURE_VERSION = 'v1';

export function generateSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** The HMAC key a `whsec_` secret stands for. */
export function signingKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('webhook secret must start with whsec_');
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

export function signPayload(
  secret: string,
  messageId: string,
  timestampSec: number,
  body: Buffer,
): string {
  const digest = createHmac('sha256', signingKey(secret))
    .update(`${messageId}.${timestampSec}.`)
    .update(body)
    .digest('base64');
  return `${SIGNATURE_VERSION},${digest}`;
}

/**
 * The `webhook-signature` value: one `v1,…` per secret, space-separated, so a receiver
 * holding either secret of a rotation verifies (Standard Webhooks allows several).
 */
export function signatureHeader(
  secrets: readonly string[],
  messageId: string,
  timestampSec: number,
  body: Buffer,
): string {
  return secrets.map((secret) => signPayload(secret, messageId, timestampSec, body)).join(' ');
}
