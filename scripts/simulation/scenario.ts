/**
 * What a simulated week looks like in each complex: its industry mix, load sizes, volumes and the behaviour of
 * its actors. Every number here is an ASSUMPTION (not published data) and is printed with the results.
 */
import type { Faker } from '@faker-js/faker';
import type { CargoClass, StorageClass } from '../../src/supply/vehicle-classes';

/** Shares of small LTL loads (1–4 pallets, what consolidation pools), part loads (5–10) and full loads (11–20). */
export interface SizeMix {
  small: number;
  medium: number;
  full: number;
}

export interface ScenarioProfile {
  complexCode: string;
  /** What the profile models, in words. */
  industryMix: string;
  /** Requests posted on a weekday at scale 1. */
  requestsPerWeekday: number;
  /** Share of requests shipping products out of the complex; the rest bring materials and parts in. */
  outboundShare: number;
  cargoMix: Partial<Record<CargoClass, number>>;
  /** Load sizes, alike both ways: a truck that delivers finds loads of its size to bring back. */
  sizes: SizeMix;
  /** Weight of one palletised T-11 pallet, kg (min, max). */
  kgPerPallet: [number, number];
  /** Share of outbound requests buffered in an idle warehouse of the complex instead of going straight out. */
  storageShare: number;
  /** Storage classes of the idle warehouse space listed in the complex. */
  listingMix: Partial<Record<StorageClass, number>>;
  /** Compass sector (degrees clockwise from north, from < to) where partner sites lie: the complex's landward side. */
  partnerSector: [number, number];
}

const PALLETISED: SizeMix = { small: 0.6, medium: 0.28, full: 0.12 };

/** One profile per programme complex (industries as in src/complexes/programme.json). */
export const PROFILES: Readonly<Record<string, ScenarioProfile>> = {
  BANWOL_SIHWA: {
    complexCode: 'BANWOL_SIHWA',
    industryMix: 'fabricated metal and machinery parts; some plating chemicals and oversize machinery',
    requestsPerWeekday: 140,
    outboundShare: 0.5,
    cargoMix: { GENERAL: 0.82, OVERSIZE: 0.08, HAZMAT: 0.07, LIQUID_BULK: 0.03 },
    sizes: PALLETISED,
    kgPerPallet: [350, 850],
    storageShare: 0.08,
    listingMix: { AMBIENT: 0.7, OUTDOOR_YARD: 0.15, HAZMAT: 0.15 },
    partnerSector: [-50, 160],
  },
  CHANGWON: {
    complexCode: 'CHANGWON',
    industryMix: 'machinery, with many oversize loads (engines, machine tools, plant parts)',
    requestsPerWeekday: 80,
    outboundShare: 0.5,
    cargoMix: { GENERAL: 0.72, OVERSIZE: 0.22, HAZMAT: 0.04, LIQUID_BULK: 0.02 },
    sizes: { small: 0.45, medium: 0.3, full: 0.25 },
    kgPerPallet: [400, 900],
    storageShare: 0.06,
    listingMix: { AMBIENT: 0.55, OUTDOOR_YARD: 0.35, HAZMAT: 0.1 },
    partnerSector: [-120, 110],
  },
  NAMDONG: {
    complexCode: 'NAMDONG',
    industryMix: 'electrical and electronics parts, machinery',
    requestsPerWeekday: 90,
    outboundShare: 0.5,
    cargoMix: { GENERAL: 0.88, HAZMAT: 0.05, OVERSIZE: 0.05, CHILLED: 0.02 },
    sizes: { small: 0.7, medium: 0.22, full: 0.08 },
    kgPerPallet: [200, 600],
    storageShare: 0.08,
    listingMix: { AMBIENT: 0.75, BONDED: 0.1, HAZMAT: 0.1, CHILLED: 0.05 },
    partnerSector: [-30, 160],
  },
  GUMI: {
    complexCode: 'GUMI',
    industryMix: 'electronics (displays, mobile, semiconductors materials): light pallets, some process chemicals',
    requestsPerWeekday: 70,
    outboundShare: 0.5,
    cargoMix: { GENERAL: 0.9, HAZMAT: 0.06, OVERSIZE: 0.02, CHILLED: 0.02 },
    sizes: { small: 0.7, medium: 0.22, full: 0.08 },
    kgPerPallet: [150, 450],
    storageShare: 0.1,
    listingMix: { AMBIENT: 0.75, BONDED: 0.1, HAZMAT: 0.1, CHILLED: 0.05 },
    partnerSector: [0, 360],
  },
  GWANGJU_CHEOMDAN: {
    complexCode: 'GWANGJU_CHEOMDAN',
    industryMix: 'optics and electronics, automotive parts',
    requestsPerWeekday: 40,
    outboundShare: 0.5,
    cargoMix: { GENERAL: 0.9, HAZMAT: 0.04, OVERSIZE: 0.04, CHILLED: 0.02 },
    sizes: PALLETISED,
    kgPerPallet: [200, 600],
    storageShare: 0.08,
    listingMix: { AMBIENT: 0.8, HAZMAT: 0.05, OUTDOOR_YARD: 0.1, CHILLED: 0.05 },
    partnerSector: [0, 360],
  },
  YEOSU: {
    complexCode: 'YEOSU',
    industryMix: 'petrochemicals (hazmat in drums and IBCs, liquid bulk by tanker) and metals',
    requestsPerWeekday: 60,
    outboundShare: 0.6,
    cargoMix: { GENERAL: 0.35, HAZMAT: 0.35, LIQUID_BULK: 0.22, OVERSIZE: 0.08 },
    sizes: { small: 0.4, medium: 0.3, full: 0.3 },
    kgPerPallet: [500, 950],
    storageShare: 0.1,
    listingMix: { HAZMAT: 0.5, AMBIENT: 0.3, OUTDOOR_YARD: 0.2 },
    partnerSector: [-100, 100],
  },
  DAEGU_SEONGSEO: {
    complexCode: 'DAEGU_SEONGSEO',
    industryMix: 'machinery and metals, textiles',
    requestsPerWeekday: 60,
    outboundShare: 0.5,
    cargoMix: { GENERAL: 0.85, OVERSIZE: 0.08, HAZMAT: 0.05, LIQUID_BULK: 0.02 },
    sizes: PALLETISED,
    kgPerPallet: [250, 700],
    storageShare: 0.08,
    listingMix: { AMBIENT: 0.75, OUTDOOR_YARD: 0.15, HAZMAT: 0.1 },
    partnerSector: [0, 360],
  },
};

/** Behaviour and sizing shared by every complex. */
export const BEHAVIOUR = {
  /** Minutes the clock advances per step (events inside a step run at their own minute). */
  stepMinutes: 15,
  /** The operator runs a matching round this often, around the clock. */
  roundEveryMinutes: 30,
  /** The operator's MATCHING_HOLD_ALONE_MINUTES: a lone load waits for companions until its window is this close (60 gave the most savings of 0-480 at seed 42). */
  holdAloneMinutes: 60,
  /** The operator's MATCHING_HOLD_POOLED_MINUTES: a shared route waits likewise for more companions (README, Simulation). */
  holdPooledMinutes: 60,
  /** The operator's MATCHING_EMPTY_KM_WEIGHT: the search weighs an empty km at this x its per-km rate on top of the price. */
  emptyKmWeight: 0.5,
  /** Carriers and warehouse owners accept an offer with this probability and decline the rest. */
  acceptProbability: 0.85,
  /** Vehicles work 07:00–21:00 Asia/Seoul every day. */
  shiftHours: [7, 21] as [number, number],
  /** Requests per day relative to a weekday: Monday to Sunday. */
  dayFactors: [1, 1, 1, 1, 1, 0.35, 0.1],
  /**
   * Plants take materials in during the morning and ship products in the afternoon: pickup windows of inbound
   * requests open in the morning, of outbound ones in the afternoon, with this probability (else the other half).
   * Requests are counted on the day of their pickup.
   */
  morningPickupHours: [7.5, 12] as [number, number],
  afternoonPickupHours: [12, 16.5] as [number, number],
  usualHalfDayShare: 0.75,
  /** Hours between posting a request and the opening of its pickup window; none is posted before firstPostingHour. */
  leadHours: [0.5, 3] as [number, number],
  firstPostingHour: 6.5,
  /** Share of requests posted the afternoon before (between these hours) instead. */
  dayAheadShare: 0.2,
  dayAheadPostingHours: [14, 17.5] as [number, number],
  /** Length of a pickup window, hours. */
  pickupWindowHours: [2, 4] as [number, number],
  /** Deadline = end of the pickup window + the trip at this speed + a slack. */
  planningSpeedKmh: 40,
  deadlineSlackHours: [2, 5] as [number, number],
  /** Days goods stay in storage. */
  storageDays: [3, 14] as [number, number],
  /** Share of requests with a price ceiling, and the ceiling relative to the usual dedicated-truck price. */
  maxPriceShare: 0.25,
  maxPriceFactor: 1.25,
  /**
   * Partner sites cluster where freight does (a port, a city's distribution belt, another complex): this many
   * clusters within the origin service region, each site within clusterRadiusKm of its cluster's centre, plus
   * far sites beyond that region (deliveries only). Cluster centres lie partnerMinKm–partnerMaxKm away.
   */
  partnerClusters: 4,
  sitesPerCluster: 3,
  farPartnerSites: 2,
  clusterRadiusKm: 4,
  partnerMinKm: 8,
  partnerMaxKm: 60,
  /** Manufacturers per tenant company (capped), vehicles per daily request, vehicles per carrier. */
  tenantsPerManufacturer: 200,
  manufacturers: [15, 90] as [number, number],
  vehiclesPerDailyRequest: 1.2,
  vehiclesPerCarrier: [1, 6] as [number, number],
  /** Share of carriers whose yard is at a partner site (a port or hub) rather than in the complex. */
  carriersAtPartnerSites: 0.3,
  /** Warehouse owners per tenant company (capped), listings each at the start, and the chance per owner per weekday of listing more. */
  tenantsPerOwner: 1_500,
  owners: [3, 10] as [number, number],
  listingsPerOwner: 1,
  newListingChancePerWeekday: 0.15,
  listingIdlePallets: [10, 60] as [number, number],
  /** Listings offer their idle space for this many days ahead. */
  listingAheadDays: 60,
  listingPricePerPalletDayKrw: [600, 1_500] as [number, number],
  /** Sizes of over-dimension and liquid bulk loads. */
  oversizePallets: [6, 16] as [number, number],
  oversizeKg: [3_000, 20_000] as [number, number],
  liquidBulkKg: [8_000, 22_000] as [number, number],
} as const;

/** The storage class a cargo class asks for when it needs storage. */
export const STORAGE_FOR: Readonly<Record<CargoClass, StorageClass>> = {
  GENERAL: 'AMBIENT',
  CHILLED: 'CHILLED',
  FROZEN: 'FROZEN',
  HAZMAT: 'HAZMAT',
  OVERSIZE: 'OUTDOOR_YARD',
  LIQUID_BULK: 'HAZMAT',
};

export type Direction = 'OUTBOUND' | 'INBOUND';

export interface Load {
  cargoClass: CargoClass;
  pallets: number;
  weightKg: number;
}

/** Returns the profile of `complexCode`. @throws Error for a code without one (every programme complex has one). */
export function profileOf(complexCode: string): ScenarioProfile {
  const profile = PROFILES[complexCode];
  if (!profile) throw new Error(`no simulation profile for complex ${complexCode}`);
  return profile;
}

/** Draws one load from the profile. */
export function sampleLoad(profile: ScenarioProfile, faker: Faker): Load {
  const cargoClass = pick(faker, profile.cargoMix);
  const between = ([min, max]: readonly [number, number]) => faker.number.int({ min, max });
  if (cargoClass === 'LIQUID_BULK') return { cargoClass, pallets: 1, weightKg: roundTo(between(BEHAVIOUR.liquidBulkKg), 100) };
  if (cargoClass === 'OVERSIZE') return { cargoClass, pallets: between(BEHAVIOUR.oversizePallets), weightKg: roundTo(between(BEHAVIOUR.oversizeKg), 100) };
  const size = pick(faker, profile.sizes);
  const pallets = between(size === 'small' ? [1, 4] : size === 'medium' ? [5, 10] : [11, 20]);
  const weightKg = Math.min(25_000, roundTo(pallets * between(profile.kgPerPallet), 10));
  return { cargoClass, pallets, weightKg };
}

/** A key of `shares` drawn in proportion to its value. */
export function pick<K extends string>(faker: Faker, shares: Partial<Record<K, number>>): K {
  const entries = (Object.entries(shares) as [K, number][]).filter(([, w]) => w > 0);
  return faker.helpers.weightedArrayElement(entries.map(([value, weight]) => ({ value, weight })));
}

const roundTo = (x: number, step: number) => Math.max(step, Math.round(x / step) * step);
