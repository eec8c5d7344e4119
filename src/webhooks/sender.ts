import { performance } from 'node:perf_hooks';
import { request, type Dispatcher } from 'undici';

/** How much of a receiver's response body is kept with an attempt; the rest is never read. */
export const RESPONSE_EXCERPT_MAX_BYTES = 4_096;

export interface OutgoingWebhook {
  url: string;
  headers: Record<string, string>;
  /** The exact bytes that were signed; Content-Length is taken from them. */
  body: Buffer;
}

export interface AttemptOutcome {
  /** Null when no response arrived (refused, timed out, blocked address). */
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
  retryAfter: string | undefined;
}

export function isSuccessStatus(statusCode: number | null): boolean {
  return statusCode !== null && statusCode >= 200 && statusCode < 300;
}

/** Cuts bytes to at most maxBytes without splitting a UTF-8 sequence, and drops NULs. */
export function excerptText(bytes: Buffer, maxBytes: number): string {
  let end = Math.min(bytes.length, maxBytes);
  if (end < bytes.length) {
    // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
    while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  }
  return bytes.subarray(0, end).toString('utf8').replaceAll('\u0000', '');
}

/** Reads at most maxBytes of a body, then destroys the stream: a huge reply costs nothing. */
async function readExcerpt(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size > RESPONSE_EXCERPT_MAX_BYTES) break;
    }
  } catch {
    // A body cut short (timeout, reset) still leaves the status code that counts.
  } finally {
    body.destroy();
  }
  return excerptText(Buffer.concat(chunks), RESPONSE_EXCERPT_MAX_BYTES);
}

function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(describeError).join('; ');
  }
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const message = error.message || error.name;
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * One POST, no redirects followed (undici's request never follows them, so a 3xx comes
 * back as a failed attempt), bounded by timeoutMs from connect to the end of the excerpt.
 */
export async function sendWebhook(
  dispatcher: Dispatcher,
  message: OutgoingWebhook,
  timeoutMs: number,
): Promise<AttemptOutcome> {
  // Durations use the monotonic timer: an injected test clock stands still during a request.
  const startedAt = performance.now();
  const elapsedMs = () => Math.round(performance.now() - startedAt);
  const signal = AbortSignal.timeout(timeoutMs);

  try {
    const response = await request(message.url, {
      method: 'POST',
      headers: { ...message.headers, 'content-length': String(message.body.length) },
      body: message.body,
      dispatcher,
      signal,
    });
    const responseExcerpt = await readExcerpt(response.body);
    const { statusCode } = response;
    const redirected = statusCode >= 300 && statusCode < 400;
    return {
      statusCode,
      durationMs: elapsedMs(),
      error: redirected ? 'redirects are not followed' : null,
      responseExcerpt,
      retryAfter: firstHeader(response.headers['retry-after']),
    };
  } catch (error) {
    return {
      statusCode: null,
      durationMs: elapsedMs(),
      error: signal.aborted ? `timed out after ${timeoutMs} ms` : describeError(error),
      responseExcerpt: null,
      retryAfter: undefined,
    };
  }
}
