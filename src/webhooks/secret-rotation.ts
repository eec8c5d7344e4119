/**
 * Secret rotation without loss: the secret a rotation replaces keeps signing, beside the
 * new one, for this long, so receivers can switch at leisure; after it only the new one signs.
 */
export const SECRET_ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1_000;

export interface EndpointSecrets {
  secret_encrypted: string;
  previous_secret_encrypted: string | null;
  previous_secret_expires_at: string | null;
}

/** The secrets that sign a message sent at nowMs: the current one first, then the old one if still in its overlap. */
export function signingSecrets(
  endpoint: EndpointSecrets,
  nowMs: number,
  decrypt: (sealed: string) => string,
): string[] {
  const secrets = [decrypt(endpoint.secret_encrypted)];
  const { previous_secret_encrypted: previous, previous_secret_expires_at: expiresAt } = endpoint;
  if (previous && expiresAt && Date.parse(expiresAt) > nowMs) secrets.push(decrypt(previous));
  return secrets;
}
