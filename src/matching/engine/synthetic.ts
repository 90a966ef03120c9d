/**
 * Seeded synthetic rounds for benchmarks, property tests and demos: one complex's requests (origins inside the
 * complex, deliveries over the Seoul metro area and the rest of Korea), carriers' vehicles in and around the
 * complex (within its radius + 3 km by default), and warehouse listings nearby. Deterministic for a given seed.
 */
import type { LatLng } from '../../geo/distance';
import { VEHICLE_CLASSES, type BodyType, type CargoClass, type StorageClass, type VehicleClassCode, vehicleClass, smallestClassFor } from '../../supply/vehicle-classes';
import { kstDayOf } from './days';
import type { ListingInput, RequestInput, RoundInput, VehicleInput } from './types';
import { seededRandom } from '../../routing/random';

/** The routing core's seeded generator, so that synthetic rounds and the search share one. */
export { seededRandom };

export interface SyntheticOptions {
  seed: number;
  requests: number;
  /** Vehicles per request (default 1.5). */
  vehicleRatio?: number;
  /** Listings per request (default 0.05). */
  listingRatio?: number;
  /** Vehicles lie within the complex radius plus this (default 3 km: carriers based in and around the complex). */
  vehicleSpreadKm?: number;
  centroid?: LatLng;
  complexRadiusKm?: number;
  now?: number;
}

const HOUR = 3_600_000;
/** 2025-03-03 08:00 KST. */
export const SYNTHETIC_NOW = Date.UTC(2025, 2, 2, 23, 0);
export const BANWOL_SIHWA: LatLng = { lat: 37.325, lng: 126.75 };

const METRO_HUBS: LatLng[] = [
  { lat: 37.5665, lng: 126.978 }, { lat: 37.4563, lng: 126.7052 }, { lat: 37.2636, lng: 127.0286 }, { lat: 37.42, lng: 127.1265 },
  { lat: 37.6584, lng: 126.832 }, { lat: 37.2411, lng: 127.1776 }, { lat: 37.1995, lng: 126.8312 }, { lat: 36.9921, lng: 127.1127 },
  { lat: 37.5034, lng: 126.766 }, { lat: 37.6152, lng: 126.7156 }, { lat: 37.3943, lng: 126.9568 }, { lat: 37.5145, lng: 127.1066 },
];
const NATIONAL_HUBS: LatLng[] = [
  { lat: 35.1796, lng: 129.0756 }, { lat: 35.8714, lng: 128.6014 }, { lat: 35.1595, lng: 126.8526 }, { lat: 36.3504, lng: 127.3845 },
  { lat: 35.5384, lng: 129.3114 }, { lat: 35.2279, lng: 128.6811 }, { lat: 36.6424, lng: 127.489 }, { lat: 36.8151, lng: 127.1139 },
  { lat: 35.8242, lng: 127.148 }, { lat: 36.019, lng: 129.3435 }, { lat: 36.1195, lng: 128.3446 }, { lat: 37.3422, lng: 127.9202 },
];

/** Returns a deterministic synthetic round for `options`. */
export function syntheticRound(options: SyntheticOptions): RoundInput {
  const rand = seededRandom(options.seed);
  const centroid = options.centroid ?? BANWOL_SIHWA;
  const complexKm = options.complexRadiusKm ?? 5;
  const now = options.now ?? SYNTHETIC_NOW;
  const n = options.requests;
  const m = Math.max(1, Math.round(n * (options.vehicleRatio ?? 1.5)));
  const l = Math.max(1, Math.round(n * (options.listingRatio ?? 0.05)));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const between = (lo: number, hi: number) => lo + rand() * (hi - lo);
  const weighted = <T>(table: readonly [T, number][]): T => {
    let x = rand() * table.reduce((s, [, w]) => s + w, 0);
    for (const [value, w] of table) if ((x -= w) < 0) return value;
    return table[table.length - 1]![0];
  };
  const near = (c: LatLng, km: number) => jitter(c, km * Math.sqrt(rand()), rand() * 2 * Math.PI);

  const requests: RequestInput[] = [];
  for (let i = 0; i < n; i++) {
    const cargoClass = weighted<CargoClass>([['GENERAL', 70], ['CHILLED', 8], ['FROZEN', 5], ['HAZMAT', 8], ['OVERSIZE', 5], ['LIQUID_BULK', 4]]);
    const size = rand();
    let pallets = size < 0.45 ? 1 + Math.floor(rand() * 4) : size < 0.8 ? 5 + Math.floor(rand() * 6) : 11 + Math.floor(rand() * 10);
    let weightKg = Math.round(pallets * between(250, 650));
    if (cargoClass === 'LIQUID_BULK') {
      pallets = 0;
      weightKg = Math.round(between(2_000, 15_000));
    }
    const origin = near(centroid, complexKm);
    const destination = rand() < 0.7 ? near(pick(METRO_HUBS), 8) : near(pick(NATIONAL_HUBS), 6);
    const start = now + Math.round(between(0.5, 12) * 4) * (HOUR / 4);
    const driveHours = (greatCircleApproxKm(origin, destination) * 1.3) / 45;
    const storageClass = storageFor(cargoClass, rand);
    const wantsStorage = storageClass !== null && rand() < 0.08;
    const reference = smallestClassFor(weightKg, pallets) ?? vehicleClass('T25');
    const roughPrice = reference.baseFeeKrw + reference.perKmKrw * 2 * driveHours * 45;
    requests.push({
      id: `R${i + 1}`,
      shipperOrgId: `ORG${1 + Math.floor(rand() * Math.max(1, n / 3))}`,
      origin,
      destination,
      weightKg,
      pallets,
      cargoClass,
      pickupWindow: { start, end: start + Math.round(between(2, 6)) * HOUR },
      deliveryDeadline: start + Math.round((driveHours + between(3, 12)) * HOUR),
      maxPriceKrw: rand() < 0.3 ? Math.round(roughPrice * between(0.8, 1.6)) : null,
      storage: wantsStorage && storageClass ? { pallets: Math.max(1, pallets), days: 3 + Math.floor(rand() * 28), storageClass, splitAllowed: rand() < 0.5 } : null,
    });
  }

  const vehicles: VehicleInput[] = [];
  for (let i = 0; i < m; i++) {
    const code = weighted<VehicleClassCode>([['T1', 20], ['T1_4', 15], ['T2_5', 15], ['T3_5', 10], ['T5', 20], ['T11', 12], ['T25', 8]]);
    const cls = VEHICLE_CLASSES.find((c) => c.code === code)!;
    const bodyType = weighted<BodyType>([['CARGO', 30], ['WING', 25], ['BOX', 15], ['REFRIGERATED', 10], ['FROZEN', 7], ['FLATBED', 7], ['TANK', 6]]);
    const location = near(centroid, complexKm + (options.vehicleSpreadKm ?? 3));
    const open = now + Math.round(between(0, 6) * 4) * (HOUR / 4);
    const availability = [{ start: open, end: open + Math.round(between(8, 16)) * HOUR }];
    if (rand() < 0.3) availability.push({ start: open + 24 * HOUR, end: open + 34 * HOUR });
    vehicles.push({
      id: `V${i + 1}`,
      carrierOrgId: `CARRIER${1 + Math.floor(rand() * Math.max(1, m / 4))}`,
      vehicleClass: code,
      payloadKg: cls.payloadKg,
      palletSlots: cls.palletSlots,
      bodyType,
      hazmatCertified: rand() < 0.15,
      location,
      availability,
      baseFeeKrw: Math.round((cls.baseFeeKrw * between(0.97, 1.03)) / 100) * 100,
      perKmKrw: Math.round((cls.perKmKrw * between(0.97, 1.03)) / 10) * 10,
    });
  }

  const today = kstDayOf(now);
  const listings: ListingInput[] = [];
  for (let i = 0; i < l; i++) {
    const storageClass = weighted<StorageClass>([['AMBIENT', 45], ['CHILLED', 12], ['FROZEN', 10], ['HAZMAT', 10], ['BONDED', 13], ['OUTDOOR_YARD', 10]]);
    const price = { AMBIENT: [500, 900], CHILLED: [1_000, 1_600], FROZEN: [1_200, 1_800], HAZMAT: [1_200, 2_000], BONDED: [700, 1_100], OUTDOOR_YARD: [300, 500] }[storageClass];
    const split = today + Math.floor(between(10, 40));
    listings.push({
      id: `W${i + 1}`,
      ownerOrgId: `OWNER${i + 1}`,
      location: near(centroid, 15),
      storageClass,
      availability: [
        { fromDay: today, toDay: split, idlePallets: Math.round(between(10, 150)) },
        { fromDay: split + 1, toDay: today + 90, idlePallets: Math.round(between(10, 150)) },
      ],
      pricePerPalletDayKrw: Math.round(between(price[0]!, price[1]!) / 10) * 10,
      minDays: 1 + Math.floor(rand() * 5),
    });
  }

  return {
    centre: { id: 'CENTRE', location: jitter(centroid, 1, 1), handlingFeePerPalletKrw: 2_000, crossDockCapacityPalletsPerDay: Math.max(200, n) },
    requests,
    vehicles,
    listings,
    now,
    excludedPairs: [],
  };
}

function storageFor(cargo: CargoClass, rand: () => number): StorageClass | null {
  switch (cargo) {
    case 'GENERAL':
      return rand() < 0.8 ? 'AMBIENT' : 'BONDED';
    case 'CHILLED':
      return 'CHILLED';
    case 'FROZEN':
      return 'FROZEN';
    case 'HAZMAT':
      return 'HAZMAT';
    case 'OVERSIZE':
      return 'OUTDOOR_YARD';
    default:
      return null;
  }
}

/** Point `km` from `c` in direction `bearing` (radians), flat-earth: fine for a few tens of km. */
function jitter(c: LatLng, km: number, bearing: number): LatLng {
  const dLat = (km * Math.cos(bearing)) / 111.32;
  const dLng = (km * Math.sin(bearing)) / (111.32 * Math.cos((c.lat * Math.PI) / 180));
  return { lat: c.lat + dLat, lng: c.lng + dLng };
}

function greatCircleApproxKm(a: LatLng, b: LatLng): number {
  const x = (b.lng - a.lng) * 111.32 * Math.cos((((a.lat + b.lat) / 2) * Math.PI) / 180);
  const y = (b.lat - a.lat) * 111.32;
  return Math.hypot(x, y);
}
