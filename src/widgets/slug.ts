import { randomBytes } from 'node:crypto';

const SUFFIX_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const BASE_MAX_CHARS = 40;

/** Six random characters: a generated slug does not reveal how many walls exist. */
function randomSuffix(): string {
  return Array.from(randomBytes(6), (b) => SUFFIX_ALPHABET[b & 31]).join('');
}

/**
 * A slug for a new widget from its name: ASCII letters and digits of the name (accents
 * dropped), hyphenated, then a random suffix so two "Home page" widgets never collide.
 * A name with no ASCII letters (Arabic, emoji) becomes `wall-…`.
 */
export function slugFromName(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, BASE_MAX_CHARS)
    .replace(/^-+|-+$/g, '');
  return `${base || 'wall'}-${randomSuffix()}`;
}
