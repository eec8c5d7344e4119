/** Anything shaped like one of our secrets, wherever it appears in a string. */
const SECRET_PATTERN = /\b(st_live_|st_test_|whsec_)([A-Za-z0-9+/=_-]{4,})/g;

/** Keeps the prefix and last four characters of every secret in text, so logs can't leak one. */
export function maskSecrets(text: string): string {
  return text.replace(SECRET_PATTERN, (_match, prefix: string, body: string) => {
    return body.length <= 8 ? `${prefix}…` : `${prefix}${body.slice(0, 4)}…${body.slice(-4)}`;
  });
}

/** Query parameters that must never be logged at all, whatever their value looks like. */
const SECRET_PARAMS = /([?&](?:api_key|apikey|key|token|access_token|secret)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return maskSecrets(url.replace(SECRET_PARAMS, '$1[redacted]'));
}
