import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { JWK } from 'oidc-provider';
import type { Services } from '../platform/context.js';
import { isoNow } from '../platform/time.js';

/**
 * The authorization server's signing key set: made once (RSA 2048, for RS256, the
 * algorithm every client supports), stored encrypted with the server's secret key, and
 * read by every process. Two processes starting at once may both make one; both then use
 * the oldest, so every process signs with the same key.
 */
export async function loadSigningKeys(
  services: Pick<Services, 'db' | 'clock' | 'secrets'>,
): Promise<JWK[]> {
  const existing = await readKeys(services);
  if (existing.length > 0) return existing;

  const kid = randomUUID();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  await services.db.kysely
    .insertInto('oauth_signing_keys')
    .values({
      kid,
      private_jwk_encrypted: services.secrets.encrypt(JSON.stringify(jwk)),
      created_at: isoNow(services.clock),
    })
    .execute();
  return readKeys(services);
}

async function readKeys(services: Pick<Services, 'db' | 'secrets'>): Promise<JWK[]> {
  const rows = await services.db.kysely
    .selectFrom('oauth_signing_keys')
    .select('private_jwk_encrypted')
    .orderBy('created_at')
    .orderBy('kid')
    .limit(1)
    .execute();
  return rows.map((r) => JSON.parse(services.secrets.decrypt(r.private_jwk_encrypted)) as JWK);
}
