import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { blockedAddressRange, isIpLiteral, unbracket } from './address-policy.js';

/** Raised instead of connecting when the only addresses on offer are off-limits. */
export class BlockedAddressError extends Error {
  constructor(
    readonly address: string,
    readonly range: string,
  ) {
    super(`refused to connect to ${address} (${range} address)`);
    this.name = 'BlockedAddressError';
  }
}

/**
 * A DNS lookup that resolves as usual, then drops every off-limits address; if none is
 * left it fails. net.connect uses exactly what this returns, so there is no gap between
 * the check and the connection for a rebinding DNS server to use.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const allowed = addresses.filter((a) => !blockedAddressRange(a.address));
    if (allowed.length === 0) {
      const first = addresses[0];
      const range = first ? (blockedAddressRange(first.address) ?? 'unknown') : 'unknown';
      return callback(new BlockedAddressError(first?.address ?? hostname, range), []);
    }
    if (options.all) return callback(null, allowed);
    return callback(null, allowed[0]!.address, allowed[0]!.family);
  });
};

export interface GuardedAgentOptions {
  allowPrivate: boolean;
  connectTimeoutMs: number;
}

/**
 * The dispatcher every webhook is sent through. Unless private addresses are allowed,
 * hostnames go through guardedLookup and literal IPs (which Node connects to without a
 * lookup) are classified before the socket is opened.
 */
export function createGuardedAgent(options: GuardedAgentOptions): Agent {
  if (options.allowPrivate) {
    return new Agent({ connect: { timeout: options.connectTimeoutMs } });
  }

  const connectViaLookup = buildConnector({
    timeout: options.connectTimeoutMs,
    lookup: guardedLookup,
  });
  const connect: buildConnector.connector = (target, callback) => {
    const range = isIpLiteral(target.hostname) ? blockedAddressRange(target.hostname) : undefined;
    if (range) return callback(new BlockedAddressError(unbracket(target.hostname), range), null);
    connectViaLookup(target, callback);
  };
  return new Agent({ connect });
}
