/** Past this the widget gives up and removes itself. */
export const FEED_TIMEOUT_MS = 8_000;

const inFlight = new Map<string, Promise<unknown>>();

/**
 * Fetches JSON without cookies. Rejects on network errors, non-2xx answers, bad JSON and
 * timeouts alike; the caller treats every rejection the same, silently. Placeholders of
 * the same widget appearing together share one request.
 */
export function loadJson(url: string): Promise<unknown> {
  let pending = inFlight.get(url);
  if (pending) return pending;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), FEED_TIMEOUT_MS);
  pending = fetch(url, { credentials: 'omit', signal: controller.signal })
    .then((response) => {
      if (!response.ok) throw new Error('feed unavailable');
      return response.json() as Promise<unknown>;
    })
    .finally(() => {
      clearTimeout(timer);
      inFlight.delete(url);
    });
  inFlight.set(url, pending);
  return pending;
}
