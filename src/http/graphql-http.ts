import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from '@apollo/server';
import express from 'express';
import type { Context, Viewer } from '../context';
import type { KnownQuery } from './compiled-execution';
import { sendJsonError, type ErrorFormatOptions } from './json-errors';

export interface GraphqlHttpDeps {
  apollo: ApolloServer<Context>;
  /** Rate limits, then the caller's key: the viewer, or null without a key. Throws a DomainError to refuse. */
  admit: (req: IncomingMessage) => Promise<Viewer | null>;
  contextFor: (viewer: Viewer | null) => Context;
  bodyLimitBytes: number;
  errorOpts: ErrorFormatOptions;
  /** A query Apollo has validated and run compiled before, by its text and operation name (see answerKnown). */
  known: (query: string, operationName: string | undefined) => KnownQuery | undefined;
  /** Counts a request answered without Apollo, as Apollo's metrics plugin counts the others (null: refused before its body was read). */
  observe: (operationName: string | undefined | null, status: number, started: number) => void;
}

/**
 * GraphQL over HTTP as Apollo's standalone server serves it, straight from node:http: rate limits and the key,
 * then the body (body-parser's JSON reader: its size limit, Content-Encoding and charset rules), then Apollo (or,
 * for a query Apollo has already validated and run compiled, its compiled run: see knownRun). Express's router, request wrappers and response helpers cost more per request than a small query's own work;
 * the service's other routes stay on Express. Faults before Apollo are answered as GraphQL-shaped JSON.
 */
export function graphqlHttpHandler({ apollo, admit, contextFor, bodyLimitBytes, errorOpts, known, observe }: GraphqlHttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const readJson = express.json({ limit: bodyLimitBytes });
  const viaApollo = (req: IncomingMessage, res: ServerResponse, viewer: Viewer | null) => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    apollo
      .executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method!.toUpperCase(), headers: headerMap(req), search: query < 0 ? '' : url.slice(query), body: (req as { body?: unknown }).body },
        context: async () => contextFor(viewer),
      })
      .then((response) => send(res, response))
      .catch((failure: unknown) => (res.headersSent ? res.destroy() : sendJsonError(res, failure, errorOpts)));
  };
  return (req, res) => {
    const arrived = performance.now();
    admit(req).then(
      (viewer) => serve(req, res, viewer, arrived),
      // Over a rate limit, or a bad key: counted, so that refusals show in the metrics.
      (error: unknown) => observe(null, sendJsonError(res, error, errorOpts), arrived),
    );
  };

  function serve(req: IncomingMessage, res: ServerResponse, viewer: Viewer | null, arrived: number): void {
    readJson(req, res, (error?: unknown) => {
      if (error) return observe(null, sendJsonError(res, error, errorOpts), arrived);
      const started = performance.now();
      let run: ReturnType<typeof knownRun>;
      try {
        run = knownRun(req, viewer);
      } catch {
        run = null; // whatever went wrong, Apollo answers it as it always has
      }
      if (!run) return viaApollo(req, res, viewer);
      Promise.resolve(run.result).then(
        (result) => {
          if (result.errors) return viaApollo(req, res, viewer);
          // What Apollo writes for a result without errors (runHttpQuery), with the headers its plugins set.
          const body = `{"data":${JSON.stringify(result.data)}}\n`;
          res.statusCode = 200;
          res.setHeader('cache-control', 'no-store');
          res.setHeader('content-type', 'application/json; charset=utf-8');
          res.setHeader('content-length', Buffer.byteLength(body));
          observe(run.operationName, 200, started);
          res.end(body);
        },
        () => viaApollo(req, res, viewer),
      ).catch((failure: unknown) => (res.headersSent ? res.destroy() : sendJsonError(res, failure, errorOpts)));
    });
  }

  /**
   * A request that repeats a query Apollo has already parsed, validated and run compiled, run again without Apollo's
   * pipeline (its hashing, request context, plugin hooks and response assembly cost more than a small query's
   * resolvers): a POST of a JSON object with that exact text and operation name, its variables valid, no
   * extensions (persisted queries), asking for plain JSON. A result with errors goes to Apollo after all, so that
   * errors and their format stay Apollo's; so does any other request.
   */
  function knownRun(req: IncomingMessage, viewer: Viewer | null): { result: ReturnType<KnownQuery['run']> & object; operationName: string | undefined } | null {
    const body = (req as { body?: unknown }).body;
    if (req.method !== 'POST' || !isRecord(body) || typeof body.query !== 'string' || body.extensions !== undefined) return null;
    const { operationName, variables } = body;
    if ((operationName != null && typeof operationName !== 'string') || (variables != null && !isRecord(variables))) return null;
    const accept = req.headers.accept;
    if (accept !== undefined && accept !== '*/*' && accept !== 'application/json') return null;
    const query = known(body.query, operationName ?? undefined);
    const result = query?.run(contextFor(viewer), variables ?? {});
    return result ? { result, operationName: query!.operationName } : null;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

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
