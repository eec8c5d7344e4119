import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, passwordProblem, verifyPassword } from './passwords.js';

describe('password hashing', () => {
  it('stores scrypt with its parameters and a fresh salt, and verifies only the right password', async () => {
    const first = await hashPassword('correct horse battery');
    const second = await hashPassword('correct horse battery');
    expect(first).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(second).not.toBe(first);
    expect(await verifyPassword('correct horse battery', first)).toBe(true);
    expect(await verifyPassword('correct horse batterY', first)).toBe(false);
    expect(await verifyPassword('correct horse battery', 'not a hash')).toBe(false);
    expect(needsRehash(first)).toBe(false);
  });

  it('asks to upgrade a hash made with weaker parameters', async () => {
    const weak = (await hashPassword('x'.repeat(12))).replace('ln=15', 'ln=14');
    expect(needsRehash(weak)).toBe(true);
  });

  it('treats the same text in another Unicode form as the same password', async () => {
    const composed = 'caf\u00e9 au lait!';
    const decomposed = 'cafe\u0301 au lait!';
    expect(await verifyPassword(decomposed, await hashPassword(composed))).toBe(true);
  });

  it('names what is wrong with a new password', () => {
    expect(passwordProblem('short')).toBe('Use at least 10 characters.');
    expect(passwordProblem('x'.repeat(257))).toBe('Use at most 256 characters.');
    expect(passwordProblem('long enough!')).toBeUndefined();
  });
});
