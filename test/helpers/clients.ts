import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { PubSub, Topics } from '../../src/pubsub';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } & Record<string, unknown> }[] };
}

/** POSTs one operation over HTTP, the way any GraphQL client does. */
export async function gql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  opts: { apiKey?: string; headers?: Record<string, string>; internalError?: 'expected' } = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(opts.apiKey && { authorization: `Bearer ${opts.apiKey}` }),
      ...opts.headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLResponse<T>['body'];
  // A failed field reads null in `data` too: a test reading only `data` would pass over a 500 (a storage booking's
  // vehiclePlate did). Every test fails on one, unless it provokes it.
  const internal = body.errors?.find((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR');
  if (internal && opts.internalError !== 'expected') throw new Error(`INTERNAL_SERVER_ERROR at ${JSON.stringify(internal.path)} for ${query.slice(0, 200)}`);
  return { status: response.status, headers: response.headers, body };
}

/** A real graphql-ws client; dispose it in the test's cleanup. */
export function wsClient(url: string, connectionParams?: Record<string, unknown>): Client {
  return createClient({ url, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
}

/** Subscribes and resolves with the first `count` results (data or errors), then unsubscribes. */
export function firstResults<T = Record<string, unknown>>(
  client: Client,
  payload: { query: string; variables?: Record<string, unknown> },
  count = 1,
): Promise<GraphQLResponse<T>['body'][]> {
  const results: GraphQLResponse<T>['body'][] = [];
  return new Promise((resolve, reject) => {
    const unsubscribe = client.subscribe<T>(payload, {
      next: (value) => {
        results.push(value as GraphQLResponse<T>['body']);
        if (results.length >= count) {
          unsubscribe();
          resolve(results);
        }
      },
      error: (error) => {
        if (Array.isArray(error)) resolve([{ errors: error }]);
        else reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
      },
      complete: () => resolve(results),
    });
  });
}

/**
 * Repeats `trigger` every 50 ms until `until` settles (at most 5 s): a subscription registers on the
 * server some time after the client sends it, and an event published before then is not delivered.
 */
export async function keepTriggering<T>(until: Promise<T>, trigger: () => unknown): Promise<T> {
  let settled = false;
  const result = until.finally(() => (settled = true));
  for (let i = 0; i < 100 && !settled; i++) {
    await trigger();
    await new Promise((r) => setTimeout(r, 50));
  }
  return result;
}

/**
 * Resolves once the server subscribes to `topic` (a graphql-ws subscription registered): for an event that cannot be
 * triggered again until it arrives, as keepTriggering does.
 */
export function subscribedTo(pubsub: PubSub, topic: keyof Topics): Promise<void> {
  const subscribe = pubsub.subscribe.bind(pubsub);
  return new Promise((resolve) => {
    pubsub.subscribe = ((t, signal) => {
      const events = subscribe(t, signal);
      if (t === topic) {
        pubsub.subscribe = subscribe;
        resolve();
      }
      return events;
    }) as PubSub['subscribe'];
  });
}

/** The ids of the rows the events published on `topic` tell of (`idOf`), from now on, in order, until stopped. */
export function publishedIds<T extends keyof Topics>(pubsub: PubSub, topic: T, idOf: (event: Topics[T]) => number): { ids: number[]; stop: () => void } {
  const ids: number[] = [];
  const stop = new AbortController();
  void (async () => {
    for await (const event of pubsub.subscribe(topic, stop.signal)) ids.push(idOf(event));
  })();
  return { ids, stop: () => stop.abort() };
}
