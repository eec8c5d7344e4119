import { isIPv4 } from 'node:net';
import type { FastifyReply, onRequestHookHandler, preParsingHookHandler } from 'fastify';
import ipaddr from 'ipaddr.js';
import type { Services } from '../context.js';
import { AppError } from '../errors.js';
import {
  PolicyRateLimiter,
  type RateLimitDecision,
  type RateLimitPolicy,
  type RateLimiter,
} from '../rate-limit.js';
import { addRouteHook, isAuthenticatedRoute } from './route-hooks.js';
import type { App } from './types.js';

/*
 * Header syntax follows draft-ietf-httpapi-ratelimit-headers-11 (23 May 2026): both fields
 * are Structured Field Lists whose items are the policy name as an sf-string, with
 * parameters `q` (quota) and `w` (window, seconds) on RateLimit-Policy, and `r` (quota
 * left) and `t` (seconds until it is restored) on RateLimit. For example
 *   RateLimit-Policy: "api";q=600;w=60
 *   RateLimit: "api";r=598;t=41
 * A 429 adds Retry-After with the same number of seconds as `t`.
 */

export function rateLimitPolicyField(policy: RateLimitPolicy): string {
  return `"${policy.name}";q=${policy.limit};w=${Math.ceil(policy.windowMs / 1000)}`;
}

export function rateLimitField(
  policy: RateLimitPolicy,
  decision: RateLimitDecision,
  nowMs: number,
): string {
  const secondsLeft = Math.max(0, Math.ceil((decision.resetAtMs - nowMs) / 1000));
  return `"${policy.name}";r=${decision.remaining};t=${secondsLeft}`;
}

/**
 * Whom a per-IP budget counts: an IPv4 address, or an IPv6 /64, since one home or phone
 * is usually given a whole /64 and could otherwise rotate through it.
 */
export function ipPartition(ip: string): string {
  // The common case, a dotted quad as the socket reports it, is already its own partition.
  if (isIPv4(ip)) return ip;
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip); // IPv4-mapped IPv6 becomes plain IPv4
  if (address.kind() === 'ipv4') return address.toString();
  const network = (address as ipaddr.IPv6).parts.slice(0, 4);
  return `${network.map((part) => part.toString(16)).join(':')}::/64`;
}

/** A limiter with its RateLimit-Policy field, which never changes, written once. */
interface HttpLimiter {
  limiter: PolicyRateLimiter;
  policyField: string;
  who: 'credential' | 'address';
}

function httpLimiter(limiter: PolicyRateLimiter, who: HttpLimiter['who']): HttpLimiter {
  return { limiter, policyField: rateLimitPolicyField(limiter.policy), who };
}

/** Sets the RateLimit headers for a decision; over the limit, the 429 problem to answer with. */
function applyDecision(
  { limiter, policyField, who }: HttpLimiter,
  decision: RateLimitDecision,
  reply: FastifyReply,
  nowMs: number,
): AppError | undefined {
  reply
    .header('ratelimit-policy', policyField)
    .header('ratelimit', rateLimitField(limiter.policy, decision, nowMs));
  if (decision.allowed) return undefined;

  reply.header('retry-after', String(decision.retryAfterSeconds));
  return new AppError(
    'rate_limited',
    `This ${who} may make ` +
      `${decision.limit} requests per ${Math.ceil(limiter.policy.windowMs / 1000)} s; ` +
      `retry in ${decision.retryAfterSeconds} s.`,
  );
}

/**
 * Counts the request and sets the RateLimit headers; `done` gets the 429 problem when it
 * is over. A store in this process answers at once, a shared one (Redis) asynchronously.
 */
function enforce(
  limit: HttpLimiter,
  key: string,
  reply: FastifyReply,
  clock: Services['clock'],
  done: (error?: AppError) => void,
): void {
  const now = limit.limiter.consumeNow(key);
  if (now) return done(applyDecision(limit, now, reply, clock.nowMs()));
  limit.limiter
    .consume(key)
    .then((decision) => done(applyDecision(limit, decision, reply, clock.nowMs())), done);
}

/** The limiters the server applies, from configuration, over the shared counter store. */
export function serverRateLimiters(services: Pick<Services, 'config' | 'rateLimits' | 'clock'>) {
  const { rateLimits: config } = services.config;
  const make = (name: string, limit: number): PolicyRateLimiter =>
    new PolicyRateLimiter(
      services.rateLimits,
      { name, limit, windowMs: config.windowMs },
      services.clock,
    );
  return {
    api: make('api', config.apiLimit),
    public: make('public', config.publicLimit),
    form: make('form', services.config.formRateLimitPerMinute) as RateLimiter,
  };
}

const isPublicRoute = (url: string) => url.startsWith('/public/');

/**
 * Per IP on the public feeds (before anything else runs), and per credential on every
 * authenticated route: preParsing runs after the route's own authentication hook and
 * before the body is read, so a throttled client costs no parsing. Each hook is given to
 * the routes it applies to as they register, so no other request pays for a test.
 */
export function installRateLimits(
  app: App,
  services: Pick<Services, 'config' | 'rateLimits' | 'clock'>,
): void {
  const limiters = serverRateLimiters(services);
  const perAddress = httpLimiter(limiters.public, 'address');
  const perCredential = httpLimiter(limiters.api, 'credential');
  const { clock } = services;

  const limitAddress: onRequestHookHandler = (request, reply, done) => {
    enforce(perAddress, `ip:${ipPartition(request.ip)}`, reply, clock, done);
  };
  const limitCredential: preParsingHookHandler = (request, reply, payload, done) => {
    if (!request.principal) return done(null, payload);
    const key = `credential:${request.principal.keyId}`;
    enforce(perCredential, key, reply, clock, (error) => done(error, payload));
  };
  app.addHook('onRoute', (route) => {
    if (isPublicRoute(route.url)) addRouteHook(route, 'onRequest', limitAddress, 'first');
    if (isAuthenticatedRoute(route)) addRouteHook(route, 'preParsing', limitCredential);
  });
}
