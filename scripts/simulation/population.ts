/**
 * The actors of a simulated complex, generated from a seed: manufacturers with sites inside the complex, carriers
 * with a fleet suited to the complex's loads, warehouse owners with idle space, and the partner sites (ports,
 * suppliers, customers, other complexes) the complex trades with. Pure data: nothing here touches the service.
 */
import { base, en, Faker, ko } from '@faker-js/faker';
import { withCheckDigit } from '../../src/auth/business-number';
import type { ProgrammeComplex } from '../../src/complexes/programme';
import { ORIGIN_MARGIN_KM } from '../../src/demand/request-context';
import { inKorea } from '../../src/geo/korea';
import { haversineKm, type LatLng } from '../../src/geo/distance';
import { LARGEST_CLASS, smallestClassFor, type BodyType, type CargoClass, type StorageClass, type VehicleClassCode } from '../../src/supply/vehicle-classes';
import { BEHAVIOUR, pick, sampleLoad, STORAGE_FOR, type ScenarioProfile } from './scenario';

export type PartnerKind = 'PORT' | 'SUPPLIER' | 'CUSTOMER' | 'HUB' | 'COMPLEX';

export interface PartnerSite {
  name: string;
  kind: PartnerKind;
  location: LatLng;
  distanceKm: number;
  /** Within the origin service region: it both sends goods to the complex and receives them. Else it only receives. */
  twoWay: boolean;
  /** Relative volume of its trade with the complex. */
  weight: number;
}

interface Organisation {
  name: string;
  businessRegistrationNumber: string;
}

export interface ManufacturerSpec extends Organisation {
  site: LatLng;
  /** Relative number of shipments it posts. */
  weight: number;
}

export interface VehicleSpec {
  plateNumber: string;
  tonnageClass: VehicleClassCode;
  bodyType: BodyType;
  hazmatCertified: boolean;
  location: LatLng;
}

export interface CarrierSpec extends Organisation {
  vehicles: VehicleSpec[];
}

export interface ListingSpec {
  name: string;
  location: LatLng;
  storageClass: StorageClass;
  totalPallets: number;
  idlePallets: number;
  pricePerPalletDayKrw: number;
  minDays: number;
  hasForklift: boolean;
  hasDock: boolean;
}

export interface OwnerSpec extends Organisation {
  listings: ListingSpec[];
}

export interface Population {
  operator: Organisation;
  manufacturers: ManufacturerSpec[];
  carriers: CarrierSpec[];
  owners: OwnerSpec[];
  partnerSites: PartnerSite[];
}

/** The seeded faker every part of a simulation uses (Korean names first, English and base data as fallback). */
export function seededFaker(seed: number): Faker {
  return new Faker({ locale: [ko, en, base], seed });
}

/** Generates the actors of `complex` at `scale` (1 = the profile's volumes) from `seed`. */
export function generatePopulation(complex: ProgrammeComplex, profile: ScenarioProfile, scale: number, seed: number): Population {
  const faker = seededFaker(seed);
  const brns = new Set<string>();
  const organisation = (name: string): Organisation => {
    let brn: string;
    do brn = withCheckDigit(faker.string.numeric({ length: 9, allowLeadingZeros: false }));
    while (brns.has(brn));
    brns.add(brn);
    return { name, businessRegistrationNumber: brn };
  };
  const centroid = complex.centroid;
  const inComplex = (extraKm = 0) => pointNear(faker, centroid, complex.approxRadiusKm + extraKm);

  const partnerSites = generatePartnerSites(faker, complex, profile);
  const twoWay = partnerSites.filter((s) => s.twoWay);

  const manufacturerCount = Math.max(3, Math.round(clamp(complex.tenantCompanies / BEHAVIOUR.tenantsPerManufacturer, BEHAVIOUR.manufacturers) * scale));
  const manufacturers = Array.from({ length: manufacturerCount }, () => ({
    ...organisation(`${faker.company.name()} ${faker.string.alphanumeric({ length: 3, casing: 'upper' })}`),
    site: inComplex(),
    weight: faker.number.float({ min: 0.3, max: 3, fractionDigits: 2 }),
  }));

  const vehicleCount = Math.max(4, Math.round(profile.requestsPerWeekday * scale * BEHAVIOUR.vehiclesPerDailyRequest));
  const fleet = faker.helpers.shuffle(fleetKinds(profile, vehicleCount, faker));
  const plates = new Set<string>();
  const carriers: CarrierSpec[] = [];
  while (fleet.length > 0) {
    const size = Math.min(fleet.length, faker.number.int({ min: BEHAVIOUR.vehiclesPerCarrier[0], max: BEHAVIOUR.vehiclesPerCarrier[1] }));
    const yard = faker.datatype.boolean(BEHAVIOUR.carriersAtPartnerSites) ? pointNear(faker, faker.helpers.arrayElement(twoWay).location, 0.5) : inComplex(3);
    const vehicles = fleet.splice(0, size).map((kind) => ({ ...kind, plateNumber: plate(faker, plates), location: pointNear(faker, yard, 0.3) }));
    carriers.push({ ...organisation(`${faker.company.name()} 운수`), vehicles });
  }

  const ownerCount = Math.max(2, Math.round(clamp(complex.tenantCompanies / BEHAVIOUR.tenantsPerOwner, BEHAVIOUR.owners) * scale));
  // The first listings cover every storage class the complex's cargo may ask for, so no storage need is unservable.
  const needed = [...new Set((Object.keys(profile.cargoMix) as CargoClass[]).map((c) => STORAGE_FOR[c]))];
  const owners: OwnerSpec[] = Array.from({ length: ownerCount }, () => ({ ...organisation(`${faker.company.name()} 창고`), listings: [] }));
  const listings = Math.max(needed.length, ownerCount * BEHAVIOUR.listingsPerOwner);
  for (let i = 0; i < listings; i++) owners[i % ownerCount]!.listings.push(listingSpec(faker, complex, profile, needed[i]));

  return { operator: organisation(`${complex.nameKo} 공동물류센터 운영사`), manufacturers, carriers, owners, partnerSites };
}

/** One listing of idle space in or near the complex, of `storageClass` or one drawn from the profile's mix. */
export function listingSpec(faker: Faker, complex: ProgrammeComplex, profile: ScenarioProfile, storageClass?: StorageClass): ListingSpec {
  const idlePallets = faker.number.int({ min: BEHAVIOUR.listingIdlePallets[0], max: BEHAVIOUR.listingIdlePallets[1] });
  return {
    name: `${faker.location.street()} ${faker.helpers.arrayElement(['A', 'B', 'C', 'D'])}동 창고`,
    location: pointNear(faker, complex.centroid, complex.approxRadiusKm + 2),
    storageClass: storageClass ?? pick(faker, profile.listingMix),
    totalPallets: idlePallets + faker.number.int({ min: 0, max: 100 }),
    idlePallets,
    pricePerPalletDayKrw: Math.round(faker.number.int({ min: BEHAVIOUR.listingPricePerPalletDayKrw[0], max: BEHAVIOUR.listingPricePerPalletDayKrw[1] }) / 50) * 50,
    minDays: faker.number.int({ min: 1, max: 3 }),
    hasForklift: faker.datatype.boolean(0.9),
    hasDock: faker.datatype.boolean(0.6),
  };
}

/** Relative trade volume by kind of site: ports and logistics hubs concentrate freight. */
const KIND_VOLUME: Record<PartnerKind, number> = { PORT: 3, HUB: 2, COMPLEX: 1.5, SUPPLIER: 1, CUSTOMER: 1 };

const PARTNER_NAMES: Record<PartnerKind, (f: Faker) => string> = {
  PORT: (f) => `${f.location.city()} 항 컨테이너부두`,
  SUPPLIER: (f) => `${f.company.name()} 소재공장`,
  CUSTOMER: (f) => `${f.company.name()} 조립공장`,
  HUB: (f) => `${f.company.name()} 물류센터`,
  COMPLEX: (f) => `${f.location.city()} 일반산업단지`,
};

/**
 * Partner sites in clusters in the complex's landward sector. The near clusters lie within the region origins
 * may be in (the complex's radius + ORIGIN_MARGIN_KM): their sites both send goods to the complex and receive
 * them. The far sites only receive deliveries.
 */
function generatePartnerSites(faker: Faker, complex: ProgrammeComplex, profile: ScenarioProfile): PartnerSite[] {
  const reachKm = complex.approxRadiusKm + ORIGIN_MARGIN_KM;
  const { partnerClusters, sitesPerCluster, farPartnerSites, clusterRadiusKm, partnerMinKm, partnerMaxKm } = BEHAVIOUR;
  const [fromDeg, toDeg] = profile.partnerSector;
  const clusterCentre = (minKm: number, maxKm: number) => {
    let centre: LatLng;
    do centre = offset(complex.centroid, faker.number.float({ min: minKm, max: maxKm }), faker.number.float({ min: fromDeg, max: toDeg }));
    while (!inKorea(centre)); // a cluster across the DMZ would find no site in South Korea
    return centre;
  };
  const site = (centre: LatLng, twoWay: boolean): PartnerSite => {
    // Resampled until a near site stays within the origin region and a far one beyond it, both in South Korea (a
    // cluster by the Han estuary reaches across it into the North, where no request may deliver).
    let location: LatLng;
    let distanceKm: number;
    do {
      location = pointNear(faker, centre, clusterRadiusKm);
      distanceKm = haversineKm(complex.centroid, location);
    } while ((twoWay ? distanceKm > reachKm - 1 || distanceKm < partnerMinKm : distanceKm < reachKm + 1) || !inKorea(location));
    const kind = faker.helpers.arrayElement<PartnerKind>(twoWay ? ['SUPPLIER', 'HUB', 'PORT', 'COMPLEX', 'CUSTOMER'] : ['CUSTOMER', 'PORT', 'COMPLEX', 'HUB']);
    return { name: PARTNER_NAMES[kind](faker), kind, location, distanceKm: Math.round(distanceKm * 10) / 10, twoWay, weight: KIND_VOLUME[kind] * faker.number.float({ min: 0.5, max: 1.5, fractionDigits: 2 }) };
  };
  const sites: PartnerSite[] = [];
  for (let c = 0; c < partnerClusters; c++) {
    const centre = clusterCentre(partnerMinKm + clusterRadiusKm, reachKm - clusterRadiusKm);
    for (let i = 0; i < sitesPerCluster; i++) sites.push(site(centre, true));
  }
  const farCentre = clusterCentre(reachKm + clusterRadiusKm + 1, partnerMaxKm - clusterRadiusKm);
  for (let i = 0; i < farPartnerSites; i++) sites.push(site(farCentre, false));
  return sites;
}

type VehicleKind = Pick<VehicleSpec, 'tonnageClass' | 'bodyType' | 'hazmatCertified'>;

/** Bodies a load of each cargo class is carried in, with their shares in a fleet built for such loads. */
const BODY_MIX: Record<CargoClass, Partial<Record<BodyType, number>>> = {
  GENERAL: { WING: 0.5, CARGO: 0.35, BOX: 0.15 },
  HAZMAT: { WING: 0.5, CARGO: 0.5 },
  OVERSIZE: { FLATBED: 0.6, CARGO: 0.4 },
  LIQUID_BULK: { TANK: 1 },
  CHILLED: { REFRIGERATED: 1 },
  FROZEN: { FROZEN: 1 },
};

const FLEET_SAMPLE = 4_000;

/**
 * `count` vehicles whose classes and bodies follow the loads the profile generates: the smallest class that
 * fits each sampled load, a body suited to its cargo (certified for hazmat and, as chemical tankers are,
 * for liquid bulk), allocated by largest remainder.
 */
function fleetKinds(profile: ScenarioProfile, count: number, faker: Faker): VehicleKind[] {
  const tally = new Map<string, { kind: VehicleKind; n: number }>();
  for (let i = 0; i < FLEET_SAMPLE; i++) {
    const load = sampleLoad(profile, faker);
    const kind: VehicleKind = {
      tonnageClass: (smallestClassFor(load.weightKg, load.pallets) ?? LARGEST_CLASS).code,
      bodyType: pick(faker, BODY_MIX[load.cargoClass]),
      hazmatCertified: load.cargoClass === 'HAZMAT' || load.cargoClass === 'LIQUID_BULK',
    };
    const key = `${kind.tonnageClass}|${kind.bodyType}|${kind.hazmatCertified}`;
    const entry = tally.get(key) ?? { kind, n: 0 };
    entry.n++;
    tally.set(key, entry);
  }
  const entries = [...tally.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, e]) => ({ ...e, exact: (e.n / FLEET_SAMPLE) * count }));
  const counts = entries.map((e) => Math.floor(e.exact));
  const order = entries.map((e, i) => ({ i, rest: e.exact - counts[i]! })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (let k = 0, left = count - counts.reduce((a, b) => a + b, 0); left > 0; k++, left--) counts[order[k % order.length]!.i]!++;
  return entries.flatMap((e, i) => Array.from({ length: counts[i]! }, () => e.kind));
}

/** Commercial (영업용) plate letters. */
const PLATE_LETTERS = ['바', '사', '아', '자'];
const PLATE_REGIONS = ['서울', '경기', '인천', '부산', '대구', '광주', '울산', '경남', '경북', '전남', '충남'];

function plate(faker: Faker, used: Set<string>): string {
  let value: string;
  do value = `${faker.helpers.arrayElement(PLATE_REGIONS)}${faker.string.numeric(2)}${faker.helpers.arrayElement(PLATE_LETTERS)}${faker.string.numeric(4)}`;
  while (used.has(value));
  used.add(value);
  return value;
}

/** A point uniformly inside the disc of `radiusKm` around `centre`. */
function pointNear(faker: Faker, centre: LatLng, radiusKm: number): LatLng {
  return offset(centre, radiusKm * Math.sqrt(faker.number.float()), faker.number.float({ min: 0, max: 360 }));
}

/** The point `km` from `from` on compass bearing `bearingDeg` (flat-earth approximation, fine below 100 km). */
function offset(from: LatLng, km: number, bearingDeg: number): LatLng {
  const b = (bearingDeg * Math.PI) / 180;
  const lat = from.lat + (km * Math.cos(b)) / 111.32;
  const lng = from.lng + (km * Math.sin(b)) / (111.32 * Math.cos((from.lat * Math.PI) / 180));
  return { lat: Math.round(lat * 1e6) / 1e6, lng: Math.round(lng * 1e6) / 1e6 };
}

const clamp = (x: number, [min, max]: readonly [number, number]) => Math.min(max, Math.max(min, x));
