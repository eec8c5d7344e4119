import type { SecretBox } from '../platform/secret-box.js';

/** How long a rendered form can be sent: a visitor may leave the tab open overnight. */
export const FORM_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
/** Tolerated lead of a token's time over ours, for servers whose clocks differ a little. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const MAC_PURPOSE = 'form';
const TOKEN_SHAPE = /^([0-9a-z]{1,11})\.([A-Za-z0-9_-]{43})$/;

interface TokenSubject {
  id: string;
  consent_text: string;
}

// The consent wording is signed too: a post made under wording that has since been
// edited is refused and shown again, so the stored wording is always the one shown.
function signedText(form: TokenSubject, issuedAtMs: number): string {
  return `${form.id}\n${issuedAtMs}\n${form.consent_text}`;
}

/** `_token` of a rendered form: `<issued ms, base 36>.<HMAC of form id, time and consent>`. */
export function issueFormToken(secrets: SecretBox, form: TokenSubject, nowMs: number): string {
  return `${nowMs.toString(36)}.${secrets.mac(MAC_PURPOSE, signedText(form, nowMs))}`;
}

export function verifyFormToken(
  secrets: SecretBox,
  form: TokenSubject,
  token: string,
  nowMs: number,
): boolean {
  const match = TOKEN_SHAPE.exec(token);
  if (!match) return false;

  const issuedAtMs = parseInt(match[1]!, 36);
  const ageMs = nowMs - issuedAtMs;
  if (ageMs > FORM_TOKEN_TTL_MS || ageMs < -CLOCK_SKEW_MS) return false;
  return secrets.verifyMac(MAC_PURPOSE, signedText(form, issuedAtMs), match[2]!);
}
