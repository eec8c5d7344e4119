import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which network addresses a webhook may connect to. Only public unicast addresses are
 * allowed: loopback, private, link-local (which holds the 169.254.169.254 cloud metadata
 * service), CGNAT, unspecified, multicast, documentation and other reserved ranges are
 * refused, in IPv4, IPv6 and IPv4-in-IPv6 forms. The check runs on the address actually
 * connected to, so a hostname cannot smuggle an internal address past it.
 */

/** IPv6 global unicast (2000::/3); everything outside it is not a public internet host. */
const IPV6_GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');

/** IPv4-compatible addresses (::a.b.c.d, deprecated) that ipaddr.js reports as unicast. */
const IPV6_IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/** Strips the brackets WHATWG URL keeps around an IPv6 hostname. */
export function unbracket(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * True for a hostname Node connects to without a DNS lookup (the same test `net.connect`
 * makes), so the lookup guard never sees it and it must be checked directly.
 */
export function isIpLiteral(hostname: string): boolean {
  return isIP(unbracket(hostname)) !== 0;
}

/**
 * The name of the range that makes an address off-limits (`loopback`, `private`,
 * `linkLocal`, `carrierGradeNat`, …), or undefined when it is a public unicast address.
 * Input that is not an IP address at all is refused as `invalid`.
 */
export function blockedAddressRange(address: string): string | undefined {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(unbracket(address));
  } catch {
    return 'invalid';
  }

  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return blockedAddressRange(v6.toIPv4Address().toString());
    const range = v6.range();
    if (range !== 'unicast') return range;
    if (v6.match(IPV6_IPV4_COMPATIBLE)) return 'ipv4Compatible';
    return v6.match(IPV6_GLOBAL_UNICAST) ? undefined : 'reserved';
  }

  const range = parsed.range();
  return range === 'unicast' ? undefined : range;
}
