import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it, onTestFinished } from 'vitest';
import { testDatabase } from '../../helpers/database';
import { organisations, shipmentRequests } from '../../../db/schema';
import { createShipmentRequest } from '../../../src/demand/create-shipment-request';
import { BOARD_COLUMNS, boardRow } from '../../../src/demand/open-load';
import { REQUEST_COLUMNS, requestColumns } from '../../../src/demand/request-record';
import { DEFAULT_SEED, seedDemo } from '../../../scripts/demo/seed-demo';
import { parseEnv } from '../../../src/env';
import { createLogger } from '../../../src/logger';
import { createInProcessPubSub } from '../../../src/pubsub';

const HOUR = 3_600_000;

describe('rowDecoder', () => {
  it('decodes raw rows into the records drizzle itself returns: times, booleans, nulls and all', async () => {
    const { db, close } = await testDatabase();
    onTestFinished(close);
    await seedDemo({ ctx: { db }, input: DEFAULT_SEED });
    const shipper = (await db.select().from(organisations).where(eq(organisations.role, 'MANUFACTURER')).orderBy(asc(organisations.id)).get())!;
    const ctx = {
      db,
      pubsub: createInProcessPubSub(),
      logger: createLogger('silent'),
      env: parseEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
      now: () => new Date(),
      viewer: { organisationId: shipper.id, role: 'MANUFACTURER' as const, complexId: shipper.complexId, apiKeyId: null },
    };
    const from = Date.now() + 2 * HOUR;
    const base = {
      origin: { lat: 37.33, lng: 126.76 },
      destination: { centre: true },
      weightKg: 1_200,
      pallets: 3,
      cargoClass: 'GENERAL',
      loadingAtOrigin: 'FORKLIFT',
      loadingAtDestination: 'BY_HAND',
      pickupWindow: { from: new Date(from), until: new Date(from + 4 * HOUR) },
      deliverBy: new Date(from + 30 * HOUR),
    } as const;
    await createShipmentRequest({ ctx, input: { ...base, idempotencyKey: randomUUID() } });
    await createShipmentRequest({ ctx, input: { ...base, idempotencyKey: randomUUID(), storage: { pallets: 2, days: 5, storageClass: 'AMBIENT', splitAllowed: true }, maxPriceKrw: 900_000, notes: 'dock 3' } });

    const byDrizzle = await db.select().from(shipmentRequests).orderBy(asc(shipmentRequests.id)).all();
    expect(byDrizzle.length).toBeGreaterThanOrEqual(2);
    const decoded = (await db.select(REQUEST_COLUMNS).from(shipmentRequests).orderBy(asc(shipmentRequests.id)).prepare().values()).map(requestColumns(null).decode);
    expect(decoded).toEqual(byDrizzle);
    expect(decoded.at(-1)).toMatchObject({ destinationIsCentre: true, storageSplitAllowed: true, notes: 'dock 3', updatedAt: null, pickupFrom: new Date(from) });
    expect(Object.keys(decoded[0]!)).toEqual(Object.keys(REQUEST_COLUMNS));

    const board = db.select(BOARD_COLUMNS).from(shipmentRequests).orderBy(asc(shipmentRequests.id));
    expect((await board.prepare().values()).map(boardRow)).toEqual(await board.all());
  });
});
