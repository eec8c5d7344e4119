import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyRequest } from 'fastify';
import { authenticator, requiredScope } from '../../auth/authenticate.js';
import type { Services } from '../context.js';
import { AppError, ERROR_CODES } from '../errors.js';
import { newId } from '../ids.js';
import type { Logger } from '../logger.js';
import { installCors } from './cors.js';
import { installErrorHandling, sendProblem } from './error-handler.js';
import { installIdempotency } from './idempotency.js';
import { installRateLimits } from './rate-limit.js';
import { redactUrl } from '../redact.js';
import { lazyRequestLoggers } from './request-logger.js';
import { ProblemSchema } from './schemas.js';
import type { App, RouteDeps } from './types.js';

export type Feature = (app: App, deps: RouteDeps) => Promise<void>;

export interface HttpAppOptions {
  features: Feature[];
  /** Extra OpenAPI fields a feature contributes, such as outgoing webhooks. */
  openapiExtras?: Record<string, unknown>;
  /** Hooks over every route (the audit trail), installed before any feature's routes. */
  hooks?: ((app: App, services: Services) => void)[];
}

function serializeRequest(request: FastifyRequest) {
  return { method: request.method, url: redactUrl(request.url), reqId: request.id };
}

export interface RouteInfo {
  method: string;
  url: string;
  /** The scope an authenticated route demands; undefined for public routes. */
  scope: string | undefined;
}

const routeRegistries = new WeakMap<object, RouteInfo[]>();

/** Every route the app registered: the security suite walks this list. */
export function listRoutes(app: App): RouteInfo[] {
  return routeRegistries.get(app) ?? [];
}

/**
 * What the router could not take: a URL that is not valid percent-encoded UTF-8 (400), or
 * one it refuses for another reason, such as a path segment over its length limit, which
 * names nothing we have (404).
 */
function routerProblem(url: string, error: Error): AppError {
  try {
    decodeURIComponent(url.split('?')[0]!);
  } catch {
    return new AppError('bad_request', 'The URL is not valid percent-encoded UTF-8.', undefined, {
      cause: error,
    });
  }
  return new AppError('not_found', undefined, undefined, { cause: error });
}

export async function createHttpApp(services: Services, options: HttpAppOptions): Promise<App> {
  const registry: RouteInfo[] = [];
  const app = Fastify({
    loggerInstance: lazyRequestLoggers(services.log as FastifyBaseLogger),
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    bodyLimit: services.config.bodyLimitBytes,
    genReqId: () => newId('request'),
    trustProxy: services.config.trustProxy,
    return503OnClosing: true,
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array' } },
    routerOptions: { ignoreTrailingSlash: true },
    // A URL that cannot be decoded fails before routing and before any hook: answer it
    // like every other error, with a problem body, a request id and open CORS.
    frameworkErrors: (error, request, reply) => {
      reply.header('request-id', request.id).header('access-control-allow-origin', '*');
      return sendProblem(reply, request, routerProblem(request.url, error));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Callback-style hooks: these two run on every request, the widget feed's hot path included.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('request-id', request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
    if ((request.log as Logger).isLevelEnabled(level)) {
      const fields = { req: serializeRequest(request), status, ms: Math.round(reply.elapsedTime) };
      request.log[level](fields, 'request completed');
    }
    done();
  });
  // The API speaks JSON only; a feature that takes other bodies adds its parser in its own scope.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      registry.push({ method, url: route.url, scope: requiredScope(route.onRequest) });
    }
  });
  installCors(app);
  installErrorHandling(app);
  installRateLimits(app, services);
  installIdempotency(app, services);
  for (const install of options.hooks ?? []) install(app, services);
  app.addSchema(ProblemSchema);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ShowTrust API',
        version: '1',
        description:
          'Collect, moderate and display testimonials. Errors are RFC 9457 problems; ' +
          `their codes: ${Object.keys(ERROR_CODES).join(', ')}.`,
      },
      servers: [{ url: services.config.publicUrl }],
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key `st_live_…`' },
        },
      },
      ...options.openapiExtras,
    },
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`),
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  const deps: RouteDeps = { services, requireScope: authenticator(services) };
  for (const feature of options.features) {
    await app.register(async (scope) => feature(scope as App, deps));
  }
  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
  routeRegistries.set(app, registry);
  return app;
}
