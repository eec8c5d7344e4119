import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AppError } from '../platform/errors.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import { ifNoneMatchHits, sendNotModified, strongEtag } from './http-cache.js';

/** Where `npm run build` writes the bundle; the same path from src/widgets and dist/widgets. */
export const EMBED_SCRIPT_PATH = fileURLToPath(new URL('../../dist/web/embed.js', import.meta.url));

/** Short enough that a new release reaches every page within minutes, long enough to spare requests. */
export const EMBED_CACHE_CONTROL = 'public, max-age=300';

export interface EmbedScript {
  body: Buffer;
  etag: string;
}

/** Reads the bundle once; undefined when it has not been built. */
export function readEmbedScript(filePath: string): EmbedScript | undefined {
  let body: Buffer;
  try {
    body = fs.readFileSync(filePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return { body, etag: strongEtag(body) };
}

export interface EmbedScriptOptions {
  filePath?: string;
}

/** `GET /embed.js`, the loader any site includes with a script tag. */
export async function embedScriptRoutes(
  app: App,
  { services }: RouteDeps,
  { filePath = EMBED_SCRIPT_PATH }: EmbedScriptOptions = {},
) {
  const script = readEmbedScript(filePath);
  if (!script) services.log.warn({ path: filePath }, 'embed script not built');

  app.get('/embed.js', { schema: { hide: true } }, async (request, reply) => {
    if (!script) {
      throw new AppError(
        'service_unavailable',
        'The embed script has not been built on this server: run `npm run build`, then restart.',
      );
    }
    reply
      .header('etag', script.etag)
      .header('cache-control', EMBED_CACHE_CONTROL)
      .header('access-control-allow-origin', '*')
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('x-content-type-options', 'nosniff');
    if (ifNoneMatchHits(request.headers['if-none-match'], script.etag)) {
      return sendNotModified(reply);
    }
    return reply.type('text/javascript; charset=utf-8').send(script.body);
  });
}
