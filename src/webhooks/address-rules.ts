import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Addresses a webhook must never reach in production: loopback, private, link-local, CGNAT, "this network",
 * documentation, benchmarking, multicast and reserved ranges (IANA special-purpose registries). BlockList
 * also matches IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) against the IPv4 rules.
 */
const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NOT_PUBLIC.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  // ::/96 holds :: and ::1 and the deprecated IPv4-compatible form (::7f00:1 is 127.0.0.1 to some stacks); ::ffff:0:0:0/96
  // the IPv4-translated one. The IPv4-mapped ::ffff:0:0/96 BlockList checks against the IPv4 rules itself.
  ['::', 96], ['::ffff:0:0:0', 96], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32],
  ['2002::', 16], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) NOT_PUBLIC.addSubnet(net, prefix, 'ipv6');

/** True for an address on the public internet. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return !NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);
const isLoopbackHost = (hostname: string) => LOOPBACK_NAMES.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);

export interface AddressPolicy {
  /** NODE_ENV=production: only public addresses, after DNS resolution too. */
  production: boolean;
  /** WEBHOOK_ALLOW_HTTP_LOOPBACK: plain http to loopback, for development and tests. */
  allowHttpLoopback: boolean;
}

/** A password (or a user name) in a URL is written into logs and shown in every list of endpoints. */
const CREDENTIALS = 'must not carry credentials (user:password@): they would show in logs and in every list of endpoints';

/** Why `url` may not receive webhooks by its form alone (scheme, credentials, a literal address), or null. */
export function urlProblem(url: string, policy: AddressPolicy): string | null {
  // Read from the text, before parsing: a parser takes port 65536 for no URL at all, and drops an empty `@`.
  const authority = /^[a-z][a-z\d+.-]*:\/\/([^/?#\\]*)/i.exec(url)?.[1];
  if (authority?.includes('@')) return CREDENTIALS;
  // Port 0 is no port a server listens on: every delivery would fail.
  const port = authority && /:(\d+)$/.exec(authority.replace(/^\[[^\]]*\]/, ''))?.[1];
  if (port && !(Number(port) >= 1 && Number(port) <= 65535)) return 'must have a port from 1 to 65535, if it names one';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute URL';
  }
  // As written is as read: WHATWG parsing takes `\` for `/` and skips missing or extra slashes, so
  // `https://hooks.example\@erp.example/` would be listed as if for erp.example while deliveries went to hooks.example.
  if (url.includes('\\') || !/^[a-z][a-z\d+.-]*:\/\/[^/]/i.test(url)) {
    return 'must be written scheme://host/path without backslashes, as it is read: a parser takes https://a\\@b/ for host a and https:///b for host b';
  }
  const loopback = isLoopbackHost(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback && policy.allowHttpLoopback && !policy.production)) {
    return policy.allowHttpLoopback ? 'must use https (http only to loopback outside production)' : 'must use https';
  }
  if (!policy.production) return null;
  const literal = parsed.hostname.replace(/^\[|\]$/g, '');
  if (loopback || (isIP(literal) && !isPublicAddress(literal))) return 'must not point at a loopback, private, link-local or other non-public address (shared, documentation, multicast, reserved)';
  return null;
}

/**
 * A `lookup` for node:http(s) that resolves every address of the host and, in production, refuses the
 * connection when any is not public. The socket then connects to an address this function checked, so a
 * DNS answer that changes between the check and the connection (rebinding) cannot slip through.
 */
export function checkedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = policy.production ? addresses.find((a) => !isPublicAddress(a.address)) : undefined;
      if (refused) return callback(Object.assign(new Error(`${hostname} resolves to ${refused.address}, which is not a public address`), { code: 'EADDRREFUSED' }), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** Resolves `url`'s host as a delivery would, and says why it may not receive webhooks, or null. */
export function resolvedProblem(url: string, policy: AddressPolicy): Promise<string | null> {
  const { hostname } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '');
  if (!policy.production || isIP(host)) return Promise.resolve(null);
  return new Promise((resolve) => {
    checkedLookup(policy)(host, { all: true }, (error) => {
      if (!error) return resolve(null);
      resolve((error as NodeJS.ErrnoException).code === 'EADDRREFUSED' ? 'must not resolve to a loopback, private, link-local or other non-public address (shared, documentation, multicast, reserved)' : `host does not resolve (${(error as NodeJS.ErrnoException).code})`);
    });
  });
}
