import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt (RFC 7914) with N = 2^15, r = 8, p = 1: every guess needs 128·N·r = 32 MiB of
 * memory, which is what makes GPU and ASIC guessing expensive, while one hash stays under
 * about 100 ms on a small two-core server and four at once (libuv's thread pool) stay
 * within 128 MiB. The parameters are stored in each hash, so they can be raised later:
 * `needsRehash` tells sign-in to upgrade an older hash.
 */
const PARAMS = { logN: 15, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;
export const MIN_PASSWORD_CHARS = 10;
export const MAX_PASSWORD_CHARS = 256;

const HASH_SHAPE =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function derive(password: string, salt: Buffer, logN: number, r: number, p: number) {
  const N = 2 ** logN;
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** `$scrypt$ln=15,r=8,p=1$<salt>$<key>`, both unpadded base64 (the PHC string format). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, PARAMS.logN, PARAMS.r, PARAMS.p);
  const params = `ln=${PARAMS.logN},r=${PARAMS.r},p=${PARAMS.p}`;
  return `$scrypt$${params}$${unpadded(salt)}$${unpadded(key)}`;
}

function unpadded(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = HASH_SHAPE.exec(stored);
  if (!match) return false;
  const [, logN, r, p, salt, key] = match;
  const expected = Buffer.from(key!, 'base64');
  const actual = await derive(
    password,
    Buffer.from(salt!, 'base64'),
    Number(logN),
    Number(r),
    Number(p),
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function needsRehash(stored: string): boolean {
  const match = HASH_SHAPE.exec(stored);
  return !match || Number(match[1]) < PARAMS.logN || Number(match[2]) < PARAMS.r;
}

// Signing in with an unknown email still costs one hash, so timing does not tell
// whether an account exists.
let decoyHash: Promise<string> | undefined;

export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(password, await decoyHash);
  return false;
}

/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_CHARS) {
    return `Use at least ${MIN_PASSWORD_CHARS} characters.`;
  }
  if (password.length > MAX_PASSWORD_CHARS) {
    return `Use at most ${MAX_PASSWORD_CHARS} characters.`;
  }
  return undefined;
}
