import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../db/client';
import { testDatabase } from '../../helpers/database';
import { idempotencyKeys, matchingRounds, offers, organisations, shipmentRequests, vehicles, type OrganisationRole } from '../../../db/schema';
import type { Viewer } from '../../../src/context';
import { activityId } from '../../../src/complexes/activity-lines';
import { getComplex } from '../../../src/complexes/get-complex';
import type { Context } from '../../../src/context';
import { cancelShipmentRequest } from '../../../src/demand/cancel-shipment-request';
import { createShipmentRequest, type CreateShipmentRequestInput } from '../../../src/demand/create-shipment-request';
import { getShipmentRequest } from '../../../src/demand/get-shipment-request';
import { listShipmentRequests } from '../../../src/demand/list-shipment-requests';
import { DEFAULT_SEED, seedDemo } from '../../../scripts/demo/seed-demo';
import { parseEnv } from '../../../src/env';
import { ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError, type FieldIssue } from '../../../src/errors';
import { cellsOf } from '../../../src/geo/h3';
import { createLogger } from '../../../src/logger';
import type { ComplexActivityEvent, PubSub } from '../../../src/pubsub';

const HOUR = 3_600_000;
const BANWOL = { lat: 37.325, lng: 126.75 };
const BUSAN = { lat: 35.1798, lng: 129.075 };

let db: Db;
let closeDb: () => Promise<void>;
/** The seeded organisations, in id order. */
let seededOrgs: (typeof organisations.$inferSelect)[];
let clock: number;
const events: ComplexActivityEvent[] = [];
const recordingPubSub: PubSub = {
  publish: (topic, payload) => {
    if (topic === 'complexActivity') events.push(payload as ComplexActivityEvent);
  },
  subscribe: () => {
    throw new Error('not used');
  },
  listenOwn: () => {
    throw new Error('not used');
  },
};
const env = parseEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
const logger = createLogger('silent');

/** The first seeded organisation of `role` in `complexCode` (the nth with `nth`). */
function viewerOf(role: OrganisationRole, complexCode = 'BANWOL_SIHWA', nth = 0): Viewer {
  if (role === 'ADMIN') return { organisationId: 1, role, complexId: null, apiKeyId: null };
  const complexId = getComplex({ ctx: ctxAs(null), input: { code: complexCode } }).id;
  const org = seededOrgs.filter((o) => o.complexId === complexId && o.role === role)[nth]!;
  return { organisationId: org.id, role, complexId, apiKeyId: null };
}

function ctxAs(viewer: Viewer | null): Context {
  return { db, pubsub: recordingPubSub, logger, env, now: () => new Date(clock), viewer };
}

function validInput(overrides: Partial<Record<keyof CreateShipmentRequestInput, unknown>> = {}): CreateShipmentRequestInput {
  return {
    idempotencyKey: randomUUID(),
    origin: { lat: 37.33, lng: 126.76 },
    destination: BUSAN,
    weightKg: 1_200,
    pallets: 3,
    cargoClass: 'GENERAL',
    loadingAtOrigin: 'FORKLIFT',
    loadingAtDestination: 'BY_HAND',
    pickupWindow: { from: new Date(clock + 2 * HOUR), until: new Date(clock + 6 * HOUR) },
    deliverBy: new Date(clock + 30 * HOUR),
    ...overrides,
  } as CreateShipmentRequestInput;
}

const rowCount = async () => (await db.select({ n: count() }).from(shipmentRequests).get())!.n;

/** The issues of the ValidationError `fn` throws (fails the test when it throws anything else). */
async function issuesOf(fn: () => unknown): Promise<FieldIssue[]> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

beforeAll(async () => {
  ({ db, close: closeDb } = await testDatabase());
  await seedDemo({ ctx: { db }, input: DEFAULT_SEED });
  seededOrgs = await db.select().from(organisations).orderBy(organisations.id).all();
  clock = Date.now();
});
afterAll(() => closeDb());

describe('createShipmentRequest', () => {
  it('stores an OPEN request with its H3 cells and tells the complex feed without naming the shipper', async () => {
    const viewer = viewerOf('MANUFACTURER');
    events.length = 0;
    const input = validInput({ storage: { pallets: 2, days: 5, storageClass: 'AMBIENT' }, maxPriceKrw: 900_000, notes: '  dock 3, call ahead  ' });
    const request = await createShipmentRequest({ ctx: ctxAs(viewer), input });
    const origin = cellsOf({ lat: 37.33, lng: 126.76 });
    expect(request).toMatchObject({
      status: 'OPEN',
      shipperOrgId: viewer.organisationId,
      complexId: viewer.complexId,
      originIsCentre: false,
      originH3R7: origin.r7,
      originH3R9: origin.r9,
      destinationH3R9: cellsOf(BUSAN).r9,
      storagePallets: 2,
      storageDays: 5,
      storageClass: 'AMBIENT',
      storageSplitAllowed: false,
      maxPriceKrw: 900_000,
      notes: 'dock 3, call ahead',
    });
    expect(events).toEqual([{ id: activityId('REQUEST_POSTED', request.id), complexCode: 'BANWOL_SIHWA', kind: 'REQUEST_POSTED', at: expect.any(Date), summary: expect.stringMatching(/^3 pallets GENERAL, 1,200 kg, pickup \d\d-\d\d \d\d:\d\d$/), summaryKo: expect.stringMatching(/^일반 3팔레트, 1,200kg, 상차 \d\d-\d\d \d\d:\d\d$/), reason: null }]);
    const shipperName = (await db.select().from(organisations).where(eq(organisations.id, viewer.organisationId)).get())!.name;
    expect(events[0]!.summary).not.toContain(shipperName);
    expect(events[0]!.summaryKo).not.toContain(shipperName);
  });

  it('loads by forklift where the request does not say, and by hoist where open bodies can take the cargo', async () => {
    const viewer = viewerOf('MANUFACTURER');
    const unsaid = await createShipmentRequest({ ctx: ctxAs(viewer), input: validInput({ loadingAtOrigin: undefined, loadingAtDestination: null }) });
    expect(unsaid).toMatchObject({ loadingAtOrigin: 'FORKLIFT', loadingAtDestination: 'FORKLIFT' });
    const machinery = await createShipmentRequest({ ctx: ctxAs(viewer), input: validInput({ cargoClass: 'OVERSIZE', loadingAtOrigin: 'HOIST', loadingAtDestination: 'HOIST' }) });
    expect(machinery).toMatchObject({ loadingAtOrigin: 'HOIST', loadingAtDestination: 'HOIST' });
  });

  it('takes the joint logistics centre for `{ centre: true }` at either end', async () => {
    const complex = getComplex({ ctx: ctxAs(null), input: { code: 'BANWOL_SIHWA' } });
    const from = await createShipmentRequest({ ctx: ctxAs(viewerOf('MANUFACTURER')), input: validInput({ origin: { centre: true } }) });
    expect(from).toMatchObject({ originIsCentre: true, originLat: complex.centre.lat, originLng: complex.centre.lng, destinationIsCentre: false });
    const to = await createShipmentRequest({ ctx: ctxAs(viewerOf('MANUFACTURER')), input: validInput({ destination: { centre: true } }) });
    expect(to).toMatchObject({ originIsCentre: false, destinationIsCentre: true, destinationLat: complex.centre.lat, destinationLng: complex.centre.lng });
  });

  it.each([
    ['origin with both forms', { origin: { lat: 37.33, lng: 126.76, centre: true } }, 'input.origin', /exactly one/],
    ['origin with neither', { origin: {} }, 'input.origin', /exactly one/],
    ['origin with lat only', { origin: { lat: 37.33 } }, 'input.origin', /exactly one/],
    ['origin latitude out of range', { origin: { lat: 91, lng: 126.76 } }, 'input.origin.lat', /latitude/],
    ['origin outside the service region', { origin: BUSAN }, 'input.origin', /within 35 km of the BANWOL_SIHWA complex/],
    ['destination outside South Korea', { destination: { lat: 35.68, lng: 139.69 } }, 'input.destination', /South Korea/],
    // Inside the box of lat 33–38.7, lng 124.5–131, but not South Korea: no truck delivers there.
    ['destination in Fukuoka, Japan', { destination: { lat: 33.59, lng: 130.4 } }, 'input.destination', /South Korea/],
    ['destination on Tsushima, Japan', { destination: { lat: 34.4, lng: 129.3 } }, 'input.destination', /South Korea/],
    ['destination in Kaesong, North Korea', { destination: { lat: 37.97, lng: 126.55 } }, 'input.destination', /South Korea/],
    ['destination in Haeju, North Korea', { destination: { lat: 38.04, lng: 125.71 } }, 'input.destination', /South Korea/],
    ['destination north of the DMZ on the east coast', { destination: { lat: 38.68, lng: 128.2 } }, 'input.destination', /South Korea/],
    ['weight above a 25-ton truck', { weightKg: 25_001 }, 'input.weightKg', /largest vehicle/],
    ['zero weight', { weightKg: 0 }, 'input.weightKg', /^must be greater than 0$/],
    ['fractional weight', { weightKg: 10.5 }, 'input.weightKg', /^must be a whole number$/],
    ['pallets above a 25-ton truck', { pallets: 21 }, 'input.pallets', /20 pallets/],
    ['zero pallets', { pallets: 0 }, 'input.pallets', /^must be greater than 0$/],
    ['unknown cargo class', { cargoClass: 'PLUTONIUM' }, 'input.cargoClass', /GENERAL/],
    ['unknown loading method', { loadingAtOrigin: 'CRANE' }, 'input.loadingAtOrigin', /FORKLIFT/],
    ['a hoist for chilled cargo', { cargoClass: 'CHILLED', loadingAtDestination: 'HOIST' }, 'input.loadingAtDestination', /^HOIST cannot load REFRIGERATED or FROZEN, the bodies CHILLED cargo travels in: use FORKLIFT or BY_HAND$/],
    ['a hoist for frozen cargo', { cargoClass: 'FROZEN', loadingAtOrigin: 'HOIST' }, 'input.loadingAtOrigin', /HOIST cannot load FROZEN/],
    ['window ending before it starts', { pickupWindow: { from: new Date(Date.now() + 3 * HOUR), until: new Date(Date.now() + 2 * HOUR) } }, 'input.pickupWindow.until', /after pickupWindow.from/],
    ['pickup in the past', { pickupWindow: { from: new Date(Date.now() - HOUR), until: new Date(Date.now() + 2 * HOUR) } }, 'input.pickupWindow.from', /past/],
    ['pickup beyond the horizon', { pickupWindow: { from: new Date(Date.now() + 91 * 24 * HOUR), until: new Date(Date.now() + 92 * 24 * HOUR) }, deliverBy: new Date(Date.now() + 93 * 24 * HOUR) }, 'input.pickupWindow.from', /90 days/],
    ['a window ending beyond the horizon (a year typed wrong)', { pickupWindow: { from: new Date(Date.now() + 2 * HOUR), until: new Date(Date.now() + 800 * 24 * HOUR) }, deliverBy: new Date(Date.now() + 801 * 24 * HOUR) }, 'input.pickupWindow.until', /^must be within 90 days from now$/],
    ['deadline before the window ends', { deliverBy: new Date(Date.now() + 5 * HOUR) }, 'input.deliverBy', /before pickupWindow.until/],
    ['deadline shorter than the trip', { pickupWindow: { from: new Date(Date.now() + 2 * HOUR), until: new Date(Date.now() + 3 * HOUR) }, deliverBy: new Date(Date.now() + 4 * HOUR) }, 'input.deliverBy', /at 90 km\/h/],
    ['storing more pallets than shipped', { storage: { pallets: 4, days: 3, storageClass: 'AMBIENT' } }, 'input.storage.pallets', /request's pallets/],
    ['chilled cargo in frozen storage', { cargoClass: 'CHILLED', storage: { pallets: 1, days: 3, storageClass: 'FROZEN' } }, 'input.storage.storageClass', /CHILLED cargo: CHILLED/],
    ['hazmat cargo in ambient storage', { cargoClass: 'HAZMAT', storage: { pallets: 1, days: 3, storageClass: 'AMBIENT' } }, 'input.storage.storageClass', /HAZMAT/],
    ['storage for zero days', { storage: { pallets: 1, days: 0, storageClass: 'AMBIENT' } }, 'input.storage.days', /^must be greater than 0$/],
    ['storage for over a year', { storage: { pallets: 1, days: 400, storageClass: 'AMBIENT' } }, 'input.storage.days', /365/],
    ['negative price limit', { maxPriceKrw: -5 }, 'input.maxPriceKrw', /^must be greater than 0$/],
    ['the centre to the centre', { origin: { centre: true }, destination: { centre: true } }, 'input.destination', /^must lie at least 100 m from the origin$/],
    ['notes too long', { notes: 'x'.repeat(501) }, 'input.notes', /500/],
    ['malformed idempotency key', { idempotencyKey: 'short' }, 'input.idempotencyKey', /8–100/],
    ['missing idempotency key', { idempotencyKey: undefined }, 'input.idempotencyKey', /.+/],
  ])('refuses %s, naming the field and rule, and writes nothing', async (_name, overrides, field, rule) => {
    const before = await rowCount();
    const issues = await issuesOf(() => createShipmentRequest({ ctx: ctxAs(viewerOf('MANUFACTURER')), input: validInput(overrides) }));
    expect(issues).toContainEqual({ field, rule: expect.stringMatching(rule) });
    expect(await rowCount()).toBe(before);
  });

  it.each([
    ['Jeju', { lat: 33.5, lng: 126.53 }],
    ['Marado, the southernmost island', { lat: 33.11, lng: 126.27 }],
    ['Baengnyeong-do, off the North', { lat: 37.96, lng: 124.68 }],
    ['Yeonpyeong-do', { lat: 37.66, lng: 125.7 }],
    ['Gyodong-do', { lat: 37.79, lng: 126.28 }],
    ['Dorasan, below Panmunjom', { lat: 37.9, lng: 126.71 }],
    ['Cheorwon', { lat: 38.24, lng: 127.3 }],
    ['Goseong, on the east coast at the DMZ', { lat: 38.55, lng: 128.4 }],
    ['Ulleung-do', { lat: 37.48, lng: 130.9 }],
    ['Busan at Haeundae', { lat: 35.16, lng: 129.16 }],
    ['Geoje-do', { lat: 34.75, lng: 128.65 }],
  ])('takes a destination in South Korea near its edges: %s', async (_name, destination) => {
    const request = await createShipmentRequest({ ctx: ctxAs(viewerOf('MANUFACTURER')), input: validInput({ destination, deliverBy: new Date(clock + 60 * HOUR) }) });
    expect(request).toMatchObject({ destinationLat: destination.lat, destinationLng: destination.lng });
  });

  it('reports every failing field at once', async () => {
    const issues = await issuesOf(() => createShipmentRequest({ ctx: ctxAs(viewerOf('MANUFACTURER')), input: validInput({ weightKg: 30_000, pallets: 30, notes: 'x'.repeat(600) }) }));
    expect(issues.map((i) => i.field).sort()).toEqual(['input.notes', 'input.pallets', 'input.weightKg']);
  });

  it('accepts storage classes that suit the cargo', async () => {
    for (const [cargoClass, storageClass] of [['CHILLED', 'CHILLED'], ['FROZEN', 'FROZEN'], ['HAZMAT', 'HAZMAT'], ['GENERAL', 'BONDED']] as const) {
      const request = await createShipmentRequest({ ctx: ctxAs(viewerOf('MANUFACTURER')), input: validInput({ cargoClass, storage: { pallets: 3, days: 2, storageClass, splitAllowed: true } }) });
      expect(request).toMatchObject({ cargoClass, storageClass, storageSplitAllowed: true });
    }
  });

  it('is for manufacturers only', async () => {
    for (const role of ['CARRIER', 'WAREHOUSE_OWNER', 'OPERATOR', 'ADMIN'] as const) {
      await expect(createShipmentRequest({ ctx: ctxAs(viewerOf(role)), input: validInput() })).rejects.toThrow(ForbiddenError);
    }
    await expect(createShipmentRequest({ ctx: ctxAs(null), input: validInput() })).rejects.toThrow(UnauthenticatedError);
  });

  it('returns the first request for a retry with the same key, even after the pickup time passed, and posts once', async () => {
    const viewer = viewerOf('MANUFACTURER');
    const input = validInput();
    const first = await createShipmentRequest({ ctx: ctxAs(viewer), input });
    const rows = await rowCount();
    const keys = (await db.select({ n: count() }).from(idempotencyKeys).get())!.n;
    events.length = 0;
    const saved = clock;
    clock += 3 * HOUR;
    try {
      expect((await createShipmentRequest({ ctx: ctxAs(viewer), input })).id).toBe(first.id);
    } finally {
      clock = saved;
    }
    expect(await rowCount()).toBe(rows);
    expect((await db.select({ n: count() }).from(idempotencyKeys).get())!.n).toBe(keys);
    expect(events).toEqual([]);
  });

  it('refuses the same key with a different input with CONFLICT, and scopes keys per organisation', async () => {
    const input = validInput();
    await createShipmentRequest({ ctx: ctxAs(viewerOf('MANUFACTURER')), input });
    await expect(createShipmentRequest({ ctx: ctxAs(viewerOf('MANUFACTURER')), input: { ...input, pallets: 4 } })).rejects.toThrow(ConflictError);
    const other = await createShipmentRequest({ ctx: ctxAs(viewerOf('MANUFACTURER', 'BANWOL_SIHWA', 1)), input });
    expect(other.shipperOrgId).toBe(viewerOf('MANUFACTURER', 'BANWOL_SIHWA', 1).organisationId);
  });
});

describe('cancelShipmentRequest', () => {
  const post = (viewer = viewerOf('MANUFACTURER')) => createShipmentRequest({ ctx: ctxAs(viewer), input: validInput() });
  const setStatus = async (id: number, status: typeof shipmentRequests.$inferSelect.status) => await db.update(shipmentRequests).set({ status }).where(eq(shipmentRequests.id, id)).run();

  it('cancels an OPEN, OFFERED or BOOKED request with its reason and time, once', async () => {
    const viewer = viewerOf('MANUFACTURER');
    for (const status of ['OPEN', 'OFFERED', 'BOOKED'] as const) {
      const request = await post();
      await setStatus(request.id, status);
      events.length = 0;
      const cancelled = await cancelShipmentRequest({ ctx: ctxAs(viewer), input: { id: request.id, reason: 'order withdrawn' } });
      expect(cancelled).toMatchObject({ status: 'CANCELLED', cancelReason: 'order withdrawn', cancelledAt: new Date(clock) });
      expect(events.map((e) => e.kind)).toEqual(['REQUEST_CANCELLED']);
      const again = await cancelShipmentRequest({ ctx: ctxAs(viewer), input: { id: request.id, reason: 'different reason' } });
      expect(again).toEqual(cancelled);
      expect(events).toHaveLength(1);
    }
  });

  it('refuses once the goods were picked up, with CONFLICT and a clear message', async () => {
    for (const status of ['PICKED_UP', 'AT_CENTRE', 'IN_TRANSIT', 'DELIVERED'] as const) {
      const request = await post();
      await setStatus(request.id, status);
      await expect(cancelShipmentRequest({ ctx: ctxAs(viewerOf('MANUFACTURER')), input: { id: request.id, reason: 'late' } })).rejects.toThrow(
        new ConflictError(`ShipmentRequest is ${status} and can no longer be cancelled: only requests not yet picked up can`),
      );
    }
  });

  it("hides another tenant's request (NOT_FOUND), refuses other roles (FORBIDDEN) and needs a reason", async () => {
    const request = await post();
    await expect(cancelShipmentRequest({ ctx: ctxAs(viewerOf('MANUFACTURER', 'BANWOL_SIHWA', 1)), input: { id: request.id, reason: 'x' } })).rejects.toThrow(NotFoundError);
    await expect(cancelShipmentRequest({ ctx: ctxAs(viewerOf('MANUFACTURER', 'CHANGWON')), input: { id: request.id, reason: 'x' } })).rejects.toThrow(NotFoundError);
    await expect(cancelShipmentRequest({ ctx: ctxAs(viewerOf('MANUFACTURER')), input: { id: 999_999, reason: 'x' } })).rejects.toThrow(NotFoundError);
    await expect(cancelShipmentRequest({ ctx: ctxAs(viewerOf('OPERATOR')), input: { id: request.id, reason: 'x' } })).rejects.toThrow(ForbiddenError);
    await expect(cancelShipmentRequest({ ctx: ctxAs(viewerOf('CARRIER')), input: { id: request.id, reason: 'x' } })).rejects.toThrow(ForbiddenError);
    expect(await issuesOf(() => cancelShipmentRequest({ ctx: ctxAs(viewerOf('MANUFACTURER')), input: { id: request.id, reason: '  ' } }))).toEqual([
      { field: 'input.reason', rule: 'must not be empty' },
    ]);
  });

  it('withdraws the pending offers of a cancelled request', async () => {
    const request = await post();
    const carrier = viewerOf('CARRIER');
    const cells = cellsOf(BANWOL);
    const vehicle = await db
      .insert(vehicles)
      .values({ carrierOrgId: carrier.organisationId, complexId: carrier.complexId!, plateNumber: `12가${Math.floor(Math.random() * 9000 + 1000)}`, tonnageClass: 'T5', payloadKg: 5_000, palletSlots: 10, bodyType: 'WING', baseFeeKrw: 60_000, perKmKrw: 1_600, ...BANWOL, h3R5: cells.r5, h3R6: cells.r6, h3R7: cells.r7, h3R8: cells.r8, h3R9: cells.r9, locationUpdatedAt: new Date(clock) })
      .returning()
      .get();
    const round = await db.insert(matchingRounds).values({ complexId: carrier.complexId!, trigger: 'MANUAL', startedAt: new Date(clock), status: 'COMPLETED' }).returning().get();
    const offer = await db
      .insert(offers)
      .values({ roundId: round.id, complexId: carrier.complexId!, kind: 'TRANSPORT', requestId: request.id, shipperOrgId: request.shipperOrgId, supplierOrgId: carrier.organisationId, vehicleId: vehicle.id, priceKrw: 500_000, baseKrw: 60_000, distanceKrw: 440_000, storageKrw: 0, handlingKrw: 0, deadheadKm: 3, loadedKm: 290, co2Kg: 150, expiresAt: new Date(clock + HOUR) })
      .returning()
      .get();
    await setStatus(request.id, 'OFFERED');
    await cancelShipmentRequest({ ctx: ctxAs(viewerOf('MANUFACTURER')), input: { id: request.id, reason: 'no longer needed' } });
    expect((await db.select().from(offers).where(eq(offers.id, offer.id)).get())!.status).toBe('WITHDRAWN');
  });
});

describe('expiry', () => {
  it('reports OPEN and OFFERED requests whose pickup window passed as EXPIRED, leaves BOOKED alone, and refuses to cancel them', async () => {
    const viewer = viewerOf('MANUFACTURER', 'GUMI');
    const ctx = ctxAs(viewer);
    const posted = [];
    for (let i = 0; i < 3; i++) posted.push(await createShipmentRequest({ ctx, input: validInput({ origin: { centre: true } }) }));
    const [open, offered, booked] = posted;
    await db.update(shipmentRequests).set({ status: 'OFFERED' }).where(eq(shipmentRequests.id, offered!.id)).run();
    await db.update(shipmentRequests).set({ status: 'BOOKED' }).where(eq(shipmentRequests.id, booked!.id)).run();
    const statuses = async () => Object.fromEntries((await listShipmentRequests({ ctx: ctxAs(viewer), input: {} })).edges.map((e) => [e.node.id, e.node.status]));
    expect(await statuses()).toEqual({ [open!.id]: 'OPEN', [offered!.id]: 'OFFERED', [booked!.id]: 'BOOKED' });

    const saved = clock;
    clock += 6 * HOUR + 1;
    try {
      expect((await getShipmentRequest({ ctx: ctxAs(viewer), input: { id: open!.id } })).status).toBe('EXPIRED');
      expect(await statuses()).toEqual({ [open!.id]: 'EXPIRED', [offered!.id]: 'EXPIRED', [booked!.id]: 'BOOKED' });
      await expect(cancelShipmentRequest({ ctx: ctxAs(viewer), input: { id: offered!.id, reason: 'too late' } })).rejects.toThrow(/expired/);
    } finally {
      clock = saved;
    }
  });
});
