import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** `::ffff:203.0.113.7`, as a dual-stack socket reports an IPv4 peer, is 203.0.113.7. */
function plain(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
}

/**
 * TRUST_PROXY's addresses and subnets (`127.0.0.1`, `10.0.0.0/8`, `::1`), checked by env.ts: the
 * reverse proxies whose `X-Forwarded-For` names the client.
 */
export function trustedProxies(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/') as [string, string | undefined];
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

/**
 * The address a request comes from, for its rate limits: its socket's peer, unless that peer is a trusted proxy,
 * when it is the address that proxy put last in `X-Forwarded-For`, and so on leftwards while each is a trusted
 * proxy too (the nginx and HAProxy convention: each proxy appends the address it heard from). Entries a client
 * wrote itself lie left of the first untrusted address and are never read: a client cannot pick its own budget.
 */
export function clientAddress(req: IncomingMessage, trusted: BlockList | null): string | undefined {
  const peer = req.socket.remoteAddress;
  if (!trusted || peer === undefined) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((a) => a.trim()).filter(Boolean);
  let address = plain(peer);
  const isTrusted = (a: string) => trusted.check(a, isIP(a) === 6 ? 'ipv6' : 'ipv4');
  while (isTrusted(address) && forwarded.length > 0) {
    const next = plain(forwarded.pop()!);
    if (isIP(next) === 0) break; // not an address (a proxy's `unknown`, a typo): the last one heard stands
    address = next;
  }
  return address;
}
