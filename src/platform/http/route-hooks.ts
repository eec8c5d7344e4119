import type { RouteOptions } from 'fastify';
import { requiredScope } from '../../auth/authenticate.js';

type HookName = 'onRequest' | 'preParsing' | 'preHandler' | 'onSend';
type RouteHook = (...args: never[]) => unknown;

/**
 * Gives one route a hook of its own as it registers (from an onRoute hook), first or
 * after those it has. A hook that applies to few routes then costs the others nothing:
 * Fastify skips a stage with no hooks at all. Always a new array, since the HEAD route
 * Fastify adds for a GET copies the options before onRoute runs, and gets its own call.
 */
export function addRouteHook(
  route: RouteOptions,
  name: HookName,
  hook: RouteHook,
  position: 'first' | 'last' = 'last',
): void {
  const hooks = route as unknown as Partial<Record<HookName, RouteHook | RouteHook[]>>;
  const current = hooks[name];
  const own = current === undefined ? [] : Array.isArray(current) ? current : [current];
  hooks[name] = position === 'first' ? [hook, ...own] : [...own, hook];
}

/** Whether a route authenticates its caller (a requireScope hook), so may have a principal. */
export function isAuthenticatedRoute(route: RouteOptions): boolean {
  return requiredScope(route.onRequest) !== undefined;
}

/** The methods a route answers, as Fastify normalised them (upper case). */
export function methodsOf(route: RouteOptions): string[] {
  return Array.isArray(route.method) ? route.method : [route.method];
}
