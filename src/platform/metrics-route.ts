import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from './errors.js';
import type { App, RouteDeps } from './http/types.js';
import { PROMETHEUS_CONTENT_TYPE } from './metrics.js';

function sameToken(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * `GET /metrics` in the Prometheus text format. With METRICS_TOKEN set it demands
 * `Authorization: Bearer <token>`; METRICS_PUBLIC=true serves it to anyone (for a
 * private network); with neither it answers 404, so nothing leaks by default.
 */
export async function metricsRoutes(app: App, { services }: RouteDeps) {
  const { token, public: isPublic } = services.config.metrics;

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!token && !isPublic) {
      throw new AppError(
        'not_found',
        'metrics are off: set METRICS_TOKEN (or METRICS_PUBLIC=true)',
      );
    }
    if (token) {
      const header = request.headers.authorization ?? '';
      const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
      if (!sameToken(given, token))
        throw new AppError('unauthorized', 'a valid metrics token is needed');
    }
    const body = await services.metrics.render();
    return reply.header('cache-control', 'no-store').type(PROMETHEUS_CONTENT_TYPE).send(body);
  });
}
