/**
 * The shipment requests manufacturers post over the simulated days: when, by whom, in which direction, and the
 * request itself as `shipmentRequestCreate` takes it. Planned up front from a seed, so runs are reproducible.
 */
import type { Faker } from '@faker-js/faker';
import type { LoadingMethod } from '../../db/schema';
import type { CreateShipmentRequestInput } from '../../src/demand/request-input';
import { haversineKm, type LatLng } from '../../src/geo/distance';
import { LARGEST_CLASS, smallestClassFor } from '../../src/supply/vehicle-classes';
import { seoulTimeOfDay, seoulWeekday } from './clock';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/time';
import type { Population } from './population';
import { BEHAVIOUR, sampleLoad, STORAGE_FOR, type Direction, type Load, type ScenarioProfile } from './scenario';

export interface RequestPlan {
  postAt: number;
  /** Index into Population.manufacturers. */
  manufacturer: number;
  direction: Direction;
  pickupUntil: number;
  /** The request as the domain takes it; over GraphQL its dates serialise as ISO strings. */
  input: CreateShipmentRequestInput;
}

/** Road km per great-circle km, for the shipper's own estimates (the service has its own setting). */
const SHIPPER_DETOUR = 1.3;
const QUARTER_HOUR = 15 * MINUTE_MS;

/**
 * Plans the requests whose pickups fall on `days` days from `start`, in posting order, as many as each day's weekday
 * asks for: most are posted a few hours before their pickup, some the afternoon before (the first day's at the start).
 */
export function planRequests(profile: ScenarioProfile, population: Population, start: number, days: number, scale: number, faker: Faker, keyPrefix: string): RequestPlan[] {
  const plans: Omit<RequestPlan, 'input'>[] = [];
  const inputs: Omit<RequestPlan['input'], 'idempotencyKey'>[] = [];
  const manufacturers = population.manufacturers.map((m, i) => ({ value: i, weight: m.weight }));
  const outboundSites = population.partnerSites.map((s) => ({ value: s, weight: s.weight }));
  const inboundSites = population.partnerSites.filter((s) => s.twoWay).map((s) => ({ value: s, weight: s.weight }));
  for (let day = 0; day < days; day++) {
    const expected = profile.requestsPerWeekday * scale * BEHAVIOUR.dayFactors[seoulWeekday(start + day * DAY_MS)]!;
    const count = Math.max(0, Math.round(expected * faker.number.float({ min: 0.9, max: 1.1 })));
    for (let i = 0; i < count; i++) {
      const manufacturer = faker.helpers.weightedArrayElement(manufacturers);
      const direction: Direction = faker.datatype.boolean(profile.outboundShare) ? 'OUTBOUND' : 'INBOUND';
      const site = faker.helpers.weightedArrayElement(direction === 'OUTBOUND' ? outboundSites : inboundSites);
      const plant = population.manufacturers[manufacturer]!.site;
      const [origin, destination] = direction === 'OUTBOUND' ? [plant, site.location] : [site.location, plant];
      const load = sampleLoad(profile, faker);
      const needsStorage = direction === 'OUTBOUND' && faker.datatype.boolean(profile.storageShare);
      const window = pickupWindow(start + day * DAY_MS, direction, faker);
      const tripMs = ((haversineKm(origin, destination) * SHIPPER_DETOUR) / BEHAVIOUR.planningSpeedKmh) * HOUR_MS;
      const deliverBy = roundTo(window.until + tripMs + faker.number.float({ min: BEHAVIOUR.deadlineSlackHours[0], max: BEHAVIOUR.deadlineSlackHours[1] }) * HOUR_MS, QUARTER_HOUR);
      plans.push({ postAt: Math.max(start, postingTime(window.from, faker)), manufacturer, direction, pickupUntil: window.until });
      inputs.push({
        origin,
        destination,
        weightKg: load.weightKg,
        pallets: load.pallets,
        cargoClass: load.cargoClass,
        loadingAtOrigin: loadingMethod(load, faker),
        loadingAtDestination: loadingMethod(load, faker),
        pickupWindow: { from: new Date(window.from), until: new Date(window.until) },
        deliverBy: new Date(deliverBy),
        storage: needsStorage
          ? { pallets: load.pallets, days: faker.number.int({ min: BEHAVIOUR.storageDays[0], max: BEHAVIOUR.storageDays[1] }), storageClass: STORAGE_FOR[load.cargoClass] }
          : null,
        maxPriceKrw: !needsStorage && faker.datatype.boolean(BEHAVIOUR.maxPriceShare) ? ceilingFor(load, origin, destination) : null,
      });
    }
  }
  const order = plans.map((_, i) => i).sort((a, b) => plans[a]!.postAt - plans[b]!.postAt || a - b);
  return order.map((i, n) => ({ ...plans[i]!, input: { idempotencyKey: `${keyPrefix}-req-${n + 1}`, ...inputs[i]! } }));
}

/** A window on the day of `dayStart` opening in the direction's usual half-day (inbound mornings, outbound afternoons), mostly. */
function pickupWindow(dayStart: number, direction: Direction, faker: Faker): { from: number; until: number } {
  const usual = direction === 'INBOUND' ? BEHAVIOUR.morningPickupHours : BEHAVIOUR.afternoonPickupHours;
  const other = direction === 'INBOUND' ? BEHAVIOUR.afternoonPickupHours : BEHAVIOUR.morningPickupHours;
  const [firstHour, lastHour] = faker.datatype.boolean(BEHAVIOUR.usualHalfDayShare) ? usual : other;
  const from = roundTo(seoulTimeOfDay(dayStart, faker.number.float({ min: firstHour, max: lastHour })), QUARTER_HOUR);
  const until = from + roundTo(faker.number.float({ min: BEHAVIOUR.pickupWindowHours[0], max: BEHAVIOUR.pickupWindowHours[1] }) * HOUR_MS, QUARTER_HOUR);
  return { from, until };
}

/** A few hours before the pickup (not before the first posting hour), or the afternoon before. */
function postingTime(pickupFrom: number, faker: Faker): number {
  if (faker.datatype.boolean(BEHAVIOUR.dayAheadShare)) {
    return roundTo(seoulTimeOfDay(pickupFrom - DAY_MS, faker.number.float({ min: BEHAVIOUR.dayAheadPostingHours[0], max: BEHAVIOUR.dayAheadPostingHours[1] })), MINUTE_MS);
  }
  const lead = faker.number.float({ min: BEHAVIOUR.leadHours[0], max: BEHAVIOUR.leadHours[1] }) * HOUR_MS;
  return roundTo(Math.max(pickupFrom - lead, seoulTimeOfDay(pickupFrom, BEHAVIOUR.firstPostingHour)), MINUTE_MS);
}

/** What a dedicated truck usually costs the shipper (smallest fitting class, round trip), times the ceiling factor. */
function ceilingFor(load: Load, origin: LatLng, destination: LatLng): number {
  const truck = smallestClassFor(load.weightKg, load.pallets) ?? LARGEST_CLASS;
  const roadKm = haversineKm(origin, destination) * SHIPPER_DETOUR;
  return Math.round(((truck.baseFeeKrw + truck.perKmKrw * 2 * roadKm) * BEHAVIOUR.maxPriceFactor) / 1000) * 1000;
}

function loadingMethod(load: Load, faker: Faker): LoadingMethod {
  if (load.cargoClass === 'OVERSIZE' || load.cargoClass === 'LIQUID_BULK') return 'HOIST';
  return load.pallets <= 2 && faker.datatype.boolean(0.2) ? 'BY_HAND' : 'FORKLIFT';
}

const roundTo = (ms: number, step: number) => Math.round(ms / step) * step;
