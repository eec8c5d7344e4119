import { randomBytes } from 'node:crypto';

/** The registry of id prefixes: every id the product hands out starts with one of these. */
export const ID_PREFIXES = {
  workspace: 'wsp',
  apiKey: 'key',
  testimonial: 'tst',
  form: 'frm',
  widget: 'wgt',
  webhookEndpoint: 'whe',
  webhookDelivery: 'whd',
  webhookAttempt: 'wha',
  event: 'evt',
  job: 'job',
  request: 'req',
  auditEntry: 'aud',
  email: 'eml',
  contact: 'con',
  customerEvent: 'cev',
  connection: 'cnx',
  rule: 'rul',
  ruleRun: 'run',
  reviewRequest: 'rvq',
  emailTemplate: 'etp',
  user: 'usr',
  session: 'ses',
  invitation: 'inv',
  passwordReset: 'pwr',
  oauthApp: 'oap',
  media: 'med',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

// Crockford base32: sorts the same as the number it encodes, no ambiguous letters.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_CHARS = 10; // 48-bit millisecond timestamp
const RANDOM_CHARS = 16; // 80 random bits

let lastMs = -1;
let lastTime = '';
let lastRandom: number[] = [];

// Random bytes fetched in blocks: one call into the CSPRNG per 256 ids, not per id (every
// request mints one, so this is on the hot path). Each byte is used once.
const POOL_BYTES = RANDOM_CHARS * 256;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function randomDigits(): number[] {
  if (poolOffset + RANDOM_CHARS > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const digits = new Array<number>(RANDOM_CHARS);
  for (let i = 0; i < RANDOM_CHARS; i++) digits[i] = pool[poolOffset + i]! & 31;
  poolOffset += RANDOM_CHARS;
  return digits;
}

/** Adds one to the base-32 digit string so ids minted in the same millisecond still sort. */
function increment(digits: number[]): number[] {
  const next = digits.slice();
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i]! < 31) {
      next[i]! += 1;
      return next;
    }
    next[i] = 0;
  }
  return randomDigits();
}

function encodeTime(ms: number): string {
  let out = '';
  let rest = ms;
  for (let i = 0; i < TIME_CHARS; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/**
 * A prefixed, time-sortable id (`tst_01j…`): 48 bits of milliseconds then 80 random
 * bits, ULID-style. Ids minted by one process for the current time sort in minting order.
 */
export function newId(kind: IdKind, nowMs: number = Date.now()): string {
  // Within one millisecond the random part counts up, so ids minted together keep their
  // order, whichever clock (real, injected, or a back-filled record's date) gave the time.
  if (nowMs === lastMs) {
    lastRandom = increment(lastRandom);
  } else {
    lastMs = nowMs;
    lastTime = encodeTime(nowMs);
    lastRandom = randomDigits();
  }
  let random = '';
  for (const digit of lastRandom) random += ALPHABET[digit];
  return `${ID_PREFIXES[kind]}_${lastTime}${random}`;
}

const ID_BODY = /^[0-9a-hjkmnp-tv-z]{26}$/;

export function isId(kind: IdKind, value: string): boolean {
  const prefix = `${ID_PREFIXES[kind]}_`;
  return value.startsWith(prefix) && ID_BODY.test(value.slice(prefix.length));
}
