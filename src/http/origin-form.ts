import type { IncomingMessage } from 'node:http';

/**
 * Rewrites a request target in absolute form (`GET http://host/graphql HTTP/1.1`, as a client set up for a proxy
 * sends it) to the origin form (`/graphql`) every route reads, the target's host becoming the Host header: RFC 9112
 * §3.2.2 has a server accept that form and ignore the Host header then. Node leaves it in `req.url` as sent, so
 * /graphql and the WebSocket, which compare paths themselves, answered 404. The path is kept as written (no dot
 * segments resolved nor characters re-encoded), as Express's router reads it.
 * @returns why the target is refused (another scheme, credentials, no host), or null when the request may go on.
 */
export function toOriginForm(req: IncomingMessage): string | null {
  const absolute = /^([a-z][a-z\d+.-]*):\/\/([^/?#]*)(.*)$/is.exec(req.url ?? '');
  if (!absolute) return null;
  const [, scheme, authority, rest] = absolute as unknown as [string, string, string, string];
  if (!/^https?$/i.test(scheme)) return 'Request target must be a path such as /graphql, or an http:// or https:// URL';
  if (authority.includes('@')) return 'Request target must not carry credentials (user:password@)';
  if (!authority) return `Request target must name a host after ${scheme}://`;
  req.url = rest.startsWith('/') ? rest : `/${rest}`;
  req.headers.host = authority;
  return null;
}
