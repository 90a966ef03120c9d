/**
 * npm run bench:webhooks
 * Webhook delivery through the real service in this process (SQLite file, synchronous=FULL, the worker at its
 * default interval unless WEBHOOK_WORKER_INTERVAL_MS says otherwise) to a real HTTP receiver on loopback:
 * - latency: LATENCY_EVENTS shipment requests posted one at a time, 50 ms apart; from the event's commit (the
 *   payload's timestamp) to its receipt, p50 / p95 / max. Dominated by the worker's interval;
 * - throughput: BURST_EVENTS requests posted at once (one outbox row each), then deliveries per second from the
 *   first receipt to the last.
 * Prints one JSON line.
 */
import './own-database';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { migrateDatabase, openDatabase } from '../db/client';
import type { Context } from '../src/context';
import { createShipmentRequest } from '../src/demand/create-shipment-request';
import { DEFAULT_SEED, seedDemo } from './demo/seed-demo';
import { parseEnv } from '../src/env';
import { createLogger } from '../src/logger';
import { createInProcessPubSub } from '../src/pubsub';
import { createApp } from '../src/server';
import { createWebhookEndpoint } from '../src/webhooks/create-endpoint';
import { parseFlags } from './cli';

// It takes no flags: one given (`--size 500`) is refused in one line rather than ignored through the whole run.
parseFlags({ options: {} });

const LATENCY_EVENTS = Number(process.env.BENCH_LATENCY_EVENTS ?? 100);
const BURST_EVENTS = Number(process.env.BENCH_BURST_EVENTS ?? 2_000);
const HOUR = 3_600_000;

const dir = mkdtempSync(join(tmpdir(), 'bench-webhooks-'));
try {
  const received: { at: number; sentAt: number }[] = [];
  let wake: (() => void) | null = null;
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      received.push({ at: Date.now(), sentAt: Date.parse((JSON.parse(body) as { timestamp: string }).timestamp) });
      res.writeHead(204).end();
      wake?.();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

  const env = parseEnv({ NODE_ENV: 'development', LOG_LEVEL: 'warn', DATABASE_PATH: join(dir, 'bench.db'), MATCHING_INTERVAL_SECONDS: '0', WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true', ...process.env });
  const db = openDatabase(env.DATABASE_PATH);
  migrateDatabase(db);
  const { demoKeys } = await seedDemo({ ctx: { db }, input: DEFAULT_SEED });
  const pubsub = createInProcessPubSub();
  const logger = createLogger(env.LOG_LEVEL);
  const app = await createApp({ env, db, logger, pubsub });
  const ctxOf = (role: 'OPERATOR' | 'MANUFACTURER'): Context => {
    const key = demoKeys.find((k) => k.role === role && k.complexCode === 'BANWOL_SIHWA')!;
    const complexId = db.$client.prepare("select id from complexes where code = 'BANWOL_SIHWA'").pluck().get() as number;
    return { db, pubsub, logger, env, now: () => new Date(), viewer: { organisationId: key.organisationId, role, complexId, apiKeyId: null } };
  };
  await createWebhookEndpoint({ ctx: ctxOf('OPERATOR'), input: { url: receiverUrl, eventTypes: ['complex.activity'] } });
  const shipper = ctxOf('MANUFACTURER');
  const post = async () => {
    const now = Date.now();
    await createShipmentRequest({
      ctx: shipper,
      input: {
        idempotencyKey: randomUUID(),
        origin: { lat: 37.33, lng: 126.76 },
        destination: { lat: 35.1798, lng: 129.075 },
        weightKg: 1_200,
        pallets: 3,
        cargoClass: 'GENERAL',
        loadingAtOrigin: 'FORKLIFT',
        loadingAtDestination: 'BY_HAND',
        pickupWindow: { from: new Date(now + 2 * HOUR), until: new Date(now + 6 * HOUR) },
        deliverBy: new Date(now + 30 * HOUR),
      },
    });
  };
  const until = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => (received.length >= count ? resolve() : (wake = check));
      check();
    });

  for (let i = 0; i < LATENCY_EVENTS; i++) {
    await post();
    await new Promise((r) => setTimeout(r, 50));
  }
  await until(LATENCY_EVENTS);
  const latencies = received.map((r) => r.at - r.sentAt).sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;

  const before = received.length;
  await Promise.all(Array.from({ length: BURST_EVENTS }, post));
  await until(before + BURST_EVENTS);
  const burst = received.slice(before);
  const seconds = (burst.at(-1)!.at - burst[0]!.at) / 1000;

  console.log(
    JSON.stringify({
      workerIntervalMs: env.WEBHOOK_WORKER_INTERVAL_MS,
      latencyEvents: LATENCY_EVENTS,
      latencyMs: { p50: pct(50), p95: pct(95), max: latencies.at(-1) },
      burstEvents: BURST_EVENTS,
      deliveriesPerSecond: Math.round(BURST_EVENTS / seconds),
    }),
  );
  await app.stop();
  db.$client.close();
  receiver.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
