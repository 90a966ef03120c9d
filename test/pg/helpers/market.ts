import { latLngToCell } from 'h3-js';
import type { PgDb } from '../../../db/pg/client';
import type { OrganisationRole } from '../../../db/schema';
import * as t from '../../../db/pg/schema';

const HOUR = 3_600_000;
/** A fixed morning, so that spans and days are the same whenever the suite runs. */
export const T0 = Date.parse('2026-12-01T09:00:00+09:00');
export const at = (hours: number) => new Date(T0 + hours * HOUR);

const cells = (lat: number, lng: number) => ({
  h3R5: latLngToCell(lat, lng, 5),
  h3R6: latLngToCell(lat, lng, 6),
  h3R7: latLngToCell(lat, lng, 7),
  h3R8: latLngToCell(lat, lng, 8),
  h3R9: latLngToCell(lat, lng, 9),
});

const LAT = 37.31;
const LNG = 126.74;

/** A complex with one manufacturer, carrier, warehouse owner and operator, and a round to hang offers on. */
export async function seedMarket(db: PgDb) {
  const [complex] = await db
    .insert(t.complexes)
    .values({
      code: 'BANWOL_SIHWA',
      nameKo: '반월시화',
      nameEn: 'Banwol-Sihwa',
      region: 'Gyeonggi',
      industries: ['machinery'],
      industriesKo: '기계',
      productionTrillionKrw: 80.1,
      employment: 240_000,
      tenantCompanies: 19_000,
      designatedYear: 1977,
      smartDirection: 'logistics',
      centroidLat: LAT,
      centroidLng: LNG,
      radiusKm: 6,
      serviceAreaCells: [latLngToCell(LAT, LNG, 7)],
    })
    .returning();
  const org = async (role: OrganisationRole, brn: string) =>
    (await db.insert(t.organisations).values({ complexId: complex!.id, role, name: `${role} Co.`, businessRegistrationNumber: brn }).returning())[0]!;
  const shipper = await org('MANUFACTURER', '1000000001');
  const carrier = await org('CARRIER', '1000000002');
  const owner = await org('WAREHOUSE_OWNER', '1000000003');
  const operator = await org('OPERATOR', '1000000004');
  const [round] = await db.insert(t.matchingRounds).values({ complexId: complex!.id, trigger: 'MANUAL', status: 'COMPLETED', startedAt: at(-1) }).returning();
  return { complex: complex!, shipper, carrier, owner, operator, round: round! };
}

export type Market = Awaited<ReturnType<typeof seedMarket>>;

let plates = 0;
export async function addVehicle(db: PgDb, m: Market, capacity: { payloadKg: number; palletSlots: number }) {
  const [vehicle] = await db
    .insert(t.vehicles)
    .values({
      carrierOrgId: m.carrier.id,
      complexId: m.complex.id,
      plateNumber: `경기12가${String(++plates).padStart(4, '0')}`,
      tonnageClass: 'T5',
      ...capacity,
      bodyType: 'WING',
      baseFeeKrw: 80_000,
      perKmKrw: 1_200,
      lat: LAT,
      lng: LNG,
      ...cells(LAT, LNG),
      locationUpdatedAt: at(-2),
    })
    .returning();
  return vehicle!;
}

/** A listing with `idlePallets` idle from `fromDay` to `toDay`. */
export async function addListing(db: PgDb, m: Market, idlePallets: number, fromDay: string, toDay: string) {
  const [listing] = await db
    .insert(t.warehouseListings)
    .values({
      ownerOrgId: m.owner.id,
      complexId: m.complex.id,
      name: '시화 창고',
      lat: LAT,
      lng: LNG,
      ...cells(LAT, LNG),
      storageClass: 'AMBIENT',
      totalPallets: 100,
      pricePerPalletDayKrw: 3_000,
      opensAt: '08:00',
      closesAt: '18:00',
    })
    .returning();
  await db.insert(t.listingAvailability).values({ listingId: listing!.id, fromDay, toDay, idlePallets });
  return listing!;
}

export async function addRequest(db: PgDb, m: Market, size: { weightKg: number; pallets: number; storagePallets?: number }) {
  const [request] = await db
    .insert(t.shipmentRequests)
    .values({
      shipperOrgId: m.shipper.id,
      complexId: m.complex.id,
      originLat: LAT,
      originLng: LNG,
      originH3R7: cells(LAT, LNG).h3R7,
      originH3R9: cells(LAT, LNG).h3R9,
      destinationLat: 37.45,
      destinationLng: 126.9,
      destinationH3R9: latLngToCell(37.45, 126.9, 9),
      weightKg: size.weightKg,
      pallets: size.pallets,
      cargoClass: 'GENERAL',
      loadingAtOrigin: 'FORKLIFT',
      loadingAtDestination: 'FORKLIFT',
      pickupFrom: at(1),
      pickupUntil: at(3),
      deliverBy: at(8),
      ...(size.storagePallets ? { storagePallets: size.storagePallets, storageDays: 3, storageClass: 'AMBIENT' as const } : {}),
    })
    .returning();
  return request!;
}

/** A pending offer of the vehicle (TRANSPORT) or the listing (STORAGE) for the request. */
export async function addOffer(db: PgDb, m: Market, requestId: number, supply: { vehicleId: number } | { listingId: number }) {
  const transport = 'vehicleId' in supply;
  const [offer] = await db
    .insert(t.offers)
    .values({
      roundId: m.round.id,
      complexId: m.complex.id,
      kind: transport ? 'TRANSPORT' : 'STORAGE',
      requestId,
      shipperOrgId: m.shipper.id,
      supplierOrgId: transport ? m.carrier.id : m.owner.id,
      ...supply,
      priceKrw: 150_000,
      baseKrw: 80_000,
      distanceKrw: 70_000,
      storageKrw: 0,
      handlingKrw: 0,
      deadheadKm: 3,
      loadedKm: 20,
      co2Kg: 12.5,
      expiresAt: at(1),
    })
    .returning();
  return offer!;
}
