import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import type { Logger } from '../platform/logger.js';
import type { App } from '../platform/http/types.js';
import { notFound } from '../platform/errors.js';
import { ifNoneMatchHits, sendNotModified, strongEtag } from './http-cache.js';

/** Where the build writes the layout chunks and their manifest. */
export const WIDGET_ASSETS_DIR = fileURLToPath(new URL('../../dist/web/widget/', import.meta.url));

/** Chunk names carry a hash of their content: a URL never changes meaning, so it is cached for good. */
export const CHUNK_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** What scripts/build-widget.mjs records about its output. */
export interface WidgetManifest {
  /** Layout kind → its entry chunk, loaded by the loader with import(). */
  layouts: Record<string, string>;
  /** The iframe page's own script. */
  frame: string;
}

export interface WidgetAssets {
  manifest: WidgetManifest | undefined;
  files: Map<string, { body: Buffer; etag: string }>;
}

/** Reads every built chunk once; an unbuilt server has none (and /embed.js says so). */
export function readWidgetAssets(dir: string, log: Logger): WidgetAssets {
  const files = new Map<string, { body: Buffer; etag: string }>();
  let manifest: WidgetManifest | undefined;
  try {
    manifest = JSON.parse(
      fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'),
    ) as WidgetManifest;
    for (const name of fs.readdirSync(dir)) {
      if (!name.endsWith('.js')) continue;
      const body = fs.readFileSync(path.join(dir, name));
      files.set(name, { body, etag: strongEtag(body) });
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    log.warn({ path: dir }, 'widget layout chunks not built');
  }
  return { manifest, files };
}

const FileParams = Type.Object({ file: Type.String({ pattern: '^[A-Za-z0-9_-]+\\.js$' }) });

/**
 * `GET /widget/{file}`: the layout chunks. Module scripts load in CORS mode, so a host
 * page on any origin needs `Access-Control-Allow-Origin` to import them.
 */
export async function widgetAssetRoutes(app: App, assets: WidgetAssets) {
  app.get(
    '/widget/:file',
    { schema: { hide: true, params: FileParams } },
    async (request, reply) => {
      const file = assets.files.get(request.params.file);
      if (!file) throw notFound('file');
      reply
        .header('etag', file.etag)
        .header('cache-control', CHUNK_CACHE_CONTROL)
        .header('access-control-allow-origin', '*')
        .header('cross-origin-resource-policy', 'cross-origin')
        .header('x-content-type-options', 'nosniff');
      if (ifNoneMatchHits(request.headers['if-none-match'], file.etag))
        return sendNotModified(reply);
      return reply.type('text/javascript; charset=utf-8').send(file.body);
    },
  );
}
