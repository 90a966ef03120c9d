import { timingSafeEqual } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { Kind } from 'graphql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../../db/client';
import { observeCommits } from '../../db/transaction';
import { bearerKeyOrNull } from '../auth/authenticate';
import type { PubSub } from '../pubsub';

/**
 * The service's Prometheus metrics, one registry per app (tests start several in one process). Domain code
 * knows nothing of them: GraphQL is measured by an Apollo plugin, WebSockets by their server, rounds, offers,
 * bookings and webhook attempts from the events the domain already publishes, and writes by timing the database's transactions.
 */
export interface Metrics {
  registry: Registry;
  /** Apollo plugin: one observation per GraphQL request over HTTP, by operation name and HTTP status. */
  apolloPlugin: ApolloServerPlugin;
  /** The same observation for a request answered without Apollo (see graphqlHttpHandler; null: refused before its body was read): `started` is a performance.now(). */
  observeGraphqlHttp(operationName: string | undefined | null, status: number, started: number): void;
  /** Where the WebSocket gauges read their figures when scraped. */
  observeWebSockets(read: () => WebSocketFigures): void;
  /** Stops listening to domain events. */
  stop(): void;
}

export interface WebSocketFigures {
  connections: number;
  /** Subscriptions, queries and mutations running over those connections. */
  operations: number;
}

const MAX_OPERATION_NAMES = 500;
/** Longer names count as `other` too: a name is repeated on every line of its series (500 of 90 kB made a scrape of hundreds of MB). */
const MAX_OPERATION_NAME_LENGTH = 100;
const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics({ db, pubsub }: { db: Db; pubsub: PubSub }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const http = new Histogram({
    name: 'sandan_graphql_http_request_duration_seconds',
    help: 'GraphQL requests over HTTP: time from receipt to response, by operation name and HTTP status',
    labelNames: ['operation', 'status'] as const,
    buckets: SECONDS,
    registers: [registry],
  });
  let readWebSockets = (): WebSocketFigures => ({ connections: 0, operations: 0 });
  new Gauge({
    name: 'sandan_websocket_connections',
    help: 'Open graphql-ws connections',
    registers: [registry],
    collect() {
      this.set(readWebSockets().connections);
    },
  });
  new Gauge({
    name: 'sandan_websocket_operations',
    help: 'Operations (subscriptions, queries, mutations) running over graphql-ws',
    registers: [registry],
    collect() {
      this.set(readWebSockets().operations);
    },
  });
  const rounds = new Histogram({
    name: 'sandan_matching_round_duration_seconds',
    help: 'Completed matching rounds: engine time, by complex and trigger',
    labelNames: ['complex', 'trigger'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const served = new Counter({ name: 'sandan_matching_requests_served_total', help: 'Requests a completed round found an offer for, by complex', labelNames: ['complex'] as const, registers: [registry] });
  const considered = new Counter({ name: 'sandan_matching_requests_considered_total', help: 'Open requests completed rounds considered, by complex', labelNames: ['complex'] as const, registers: [registry] });
  const offers = new Counter({ name: 'sandan_offers_total', help: 'Offers made to suppliers, by kind', labelNames: ['kind'] as const, registers: [registry] });
  const activity = new Counter({
    name: 'sandan_activity_events_total',
    help: "Events on the complexes' activity feeds (BOOKING_CONFIRMED, SHIPMENT_DELIVERED, REQUEST_POSTED, …), by complex and kind",
    labelNames: ['complex', 'kind'] as const,
    registers: [registry],
  });
  const webhooks = new Histogram({
    name: 'sandan_webhook_attempt_duration_seconds',
    help: 'Webhook delivery attempts, by outcome (DELIVERED, RETRYING, FAILED for good)',
    labelNames: ['outcome'] as const,
    buckets: SECONDS,
    registers: [registry],
  });
  const writes = new Histogram({ name: 'sandan_db_write_transaction_duration_seconds', help: 'Database write transactions (each a group of writes committed together), from begin to commit', buckets: SECONDS, registers: [registry] });

  const listening = new AbortController();
  pubsub.listenOwn('roundCompleted', (e) => {
    rounds.observe({ complex: e.complexCode, trigger: e.trigger }, e.timeMs / 1000);
    served.inc({ complex: e.complexCode }, e.servedCount);
    considered.inc({ complex: e.complexCode }, e.requestsConsidered);
  }, listening.signal);
  pubsub.listenOwn('offerReceived', (e) => offers.inc({ kind: e.offer.kind }), listening.signal);
  pubsub.listenOwn('complexActivity', (e) => activity.inc({ complex: e.complexCode, kind: e.kind }), listening.signal);
  pubsub.listenOwn('webhookAttempted', (e) => webhooks.observe({ outcome: e.outcome }, e.durationMs / 1000), listening.signal);
  observeCommits(db, (seconds) => writes.observe(seconds));

  // Clients name their operations: past this many distinct names (or this long), the rest count as `other`, so that no
  // client can grow the registry without bound.
  const operationNames = new Set<string>();
  /** `named` null: no document (refused before it was read, or unparsable). */
  const observeGraphqlHttp = (named: string | undefined | null, status: number, started: number) => {
    const known = named && named.length <= MAX_OPERATION_NAME_LENGTH && (operationNames.has(named) || operationNames.size < MAX_OPERATION_NAMES);
    const operation = named === null ? 'unparsed' : !named ? 'anonymous' : known ? (operationNames.add(named), named) : 'other';
    http.observe({ operation, status: String(status) }, (performance.now() - started) / 1000);
  };
  const apolloPlugin: ApolloServerPlugin = {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ request, document, response }) {
          if (!document) return observeGraphqlHttp(null, response.http.status ?? 200, started);
          observeGraphqlHttp(request.operationName ?? document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)?.name?.value, response.http.status ?? 200, started);
        },
      };
    },
  };

  return {
    registry,
    apolloPlugin,
    observeGraphqlHttp,
    observeWebSockets(read) {
      readWebSockets = read;
    },
    stop() {
      listening.abort();
      observeCommits(db, null);
    },
  };
}

export const METRICS_PATH = '/metrics';

/**
 * The registry in Prometheus text format. With a token, only for `Authorization: Bearer <token>` (the public
 * listener); without, for a listener the operator keeps private (METRICS_PORT on METRICS_HOST).
 */
export function metricsRoute(registry: Registry, token?: string): RequestHandler {
  const expected = token ? Buffer.from(token) : null;
  return async (req, res) => {
    // Read as the API reads a key: the scheme in any case.
    const given = Buffer.from(bearerKeyOrNull(req.headers.authorization) ?? '');
    if (expected && !(given.length === expected.length && timingSafeEqual(given, expected))) {
      res.status(401).json({ errors: [{ message: 'Metrics need `Authorization: Bearer <METRICS_TOKEN>`', extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    res.type(registry.contentType).send(await registry.metrics());
  };
}

