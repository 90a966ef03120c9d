import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from '@apollo/server';
import express from 'express';
import type { Context, Viewer } from '../context';
import { sendJsonError, type ErrorFormatOptions } from './json-errors';

export interface GraphqlHttpDeps {
  apollo: ApolloServer<Context>;
  /** Rate limits, then the caller's key: the viewer, or null without a key. Throws a DomainError to refuse. */
  admit: (req: IncomingMessage) => Viewer | null;
  contextFor: (viewer: Viewer | null) => Context;
  bodyLimitBytes: number;
  errorOpts: ErrorFormatOptions;
}

/**
 * GraphQL over HTTP as Apollo's standalone server serves it, straight from node:http: rate limits and the key,
 * then the body (body-parser's JSON reader: its size limit, Content-Encoding and charset rules), then Apollo.
 * Express's router, request wrappers and response helpers cost more per request than a small query's own work;
 * the service's other routes stay on Express. Faults before Apollo are answered as GraphQL-shaped JSON.
 */
export function graphqlHttpHandler({ apollo, admit, contextFor, bodyLimitBytes, errorOpts }: GraphqlHttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const readJson = express.json({ limit: bodyLimitBytes });
  return (req, res) => {
    let viewer: Viewer | null;
    try {
      viewer = admit(req);
    } catch (error) {
      return sendJsonError(res, error, errorOpts);
    }
    readJson(req, res, (error?: unknown) => {
      if (error) return sendJsonError(res, error, errorOpts);
      const url = req.url ?? '';
      const query = url.indexOf('?');
      apollo
        .executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: req.method!.toUpperCase(), headers: headerMap(req), search: query < 0 ? '' : url.slice(query), body: (req as { body?: unknown }).body },
          context: async () => contextFor(viewer),
        })
        .then((response) => send(res, response))
        .catch((failure: unknown) => (res.headersSent ? res.destroy() : sendJsonError(res, failure, errorOpts)));
    });
  };
}

function headerMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  return headers;
}

async function send(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.setHeader('content-length', Buffer.byteLength(response.body.string));
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}
