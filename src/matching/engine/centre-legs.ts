/**
 * Consolidation through the complex's joint logistics centre, as an alternative the routing core weighs in the
 * same search as direct pooling (src/routing/alternatives.ts): a feeder brings the load to the centre, it is
 * cross-docked (handling fee per pallet, within the centre's pallets per day) and a trunk takes it on.
 *
 * Offered only where it may pay: goods that may be cross-docked (general, chilled, frozen), picked up near the
 * centre, going far, with other such loads of the same day heading the same way (a trunk is worth sharing).
 * Hand-overs happen at fixed trunk departures within the centre's opening hours (every `centreTrunkEveryMinutes`
 * from opening + handling), so the legs' windows are independent and insertion stays O(1): the feeder drops
 * by the departure minus handling, the trunk loads within `centreTrunkWaitMinutes` of it, before closing.
 */
import { haversineKm, type LatLng } from '../../geo/distance';
import { DEFAULT_LOADING_METHOD, serviceMinutes } from '../../supply/loading-methods';
import type { RoutingTransfer } from '../../routing';
import { roadKm, travelMs } from './config';
import type { RoundContext, TransportJob } from './context';
import { kstDayOf, kstTimeOn } from './days';
import type { CargoClass } from '../../supply/vehicle-classes';

const MINUTE = 60_000;
const DAY = 86_400_000;
const CROSS_DOCKED: readonly CargoClass[] = ['GENERAL', 'CHILLED', 'FROZEN'];
/** Loads whose destinations lie within this angle (seen from the centre) head the same way. */
const SAME_WAY_RADIANS = (20 * Math.PI) / 180;

/** One leg of a request through the centre, as a route stop knows it. */
export interface CentreLeg {
  kind: 'FEEDER' | 'TRUNK';
  /** The most this leg's share may be (the request's cap less handling, split between the legs). */
  capKrw: number;
  /** Handling paid by the request at the centre (carried on its feeder leg's route). */
  handlingKrw: number;
  /** When the hand-over stop may start, and by when (the slot, within opening hours). */
  earliestMs: number;
  latestMs: number;
  /** Unloading or loading at the centre's dock. */
  serviceMs: number;
}

/** A job's way through the centre at one trunk departure: the core's transfer and the legs' terms. */
export interface CentreOption {
  transfer: RoutingTransfer;
  day: number;
  feeder: CentreLeg;
  trunk: CentreLeg;
}

/** Bearing of `to` from the centre, radians. */
function bearing(ctx: RoundContext, to: LatLng): number {
  const c = ctx.centre.location;
  return Math.atan2(to.lat - c.lat, (to.lng - c.lng) * Math.cos((to.lat * Math.PI) / 180));
}

/** Whether the centre may pay for `job` at all: not there already, cargo, one drop, a short feeder and a long trunk. */
function mayCrossDock(job: TransportJob, ctx: RoundContext): boolean {
  const { config, centre } = ctx;
  if (job.request.atCentre || job.drops.length !== 1 || job.storageCostKrw > 0 || !CROSS_DOCKED.includes(job.request.cargoClass)) return false;
  if (job.request.pallets > centre.crossDockCapacityPalletsPerDay) return false;
  return roadKm(haversineKm(job.origin, centre.location), config) <= config.centreMaxFeederKm && roadKm(haversineKm(centre.location, job.drops[0]!), config) >= config.centreMinTrunkKm;
}

/**
 * The jobs of `cluster` worth offering the centre: each may be cross-docked and has at least
 * `centreCompanions` others picked up the same day whose destinations lie the same way.
 */
export function centreCandidates(cluster: readonly number[], jobs: readonly TransportJob[], ctx: RoundContext): Set<number> {
  const eligible = cluster.filter((k) => mayCrossDock(jobs[k]!, ctx));
  const angle = new Map(eligible.map((k) => [k, bearing(ctx, jobs[k]!.drops[0]!)]));
  const day = new Map(eligible.map((k) => [k, kstDayOf(jobs[k]!.request.pickupWindow.start)]));
  const out = new Set<number>();
  for (const k of eligible) {
    let companions = 0;
    for (const o of eligible) {
      if (o === k || day.get(o) !== day.get(k)) continue;
      const gap = Math.abs(angle.get(k)! - angle.get(o)!);
      if (Math.min(gap, 2 * Math.PI - gap) <= SAME_WAY_RADIANS) companions++;
    }
    if (companions >= ctx.config.centreCompanions) out.add(k);
  }
  return out;
}

/**
 * The ways `job` may go through the centre: one per trunk departure it can make (the first
 * `centreSlotsPerRequest`), in the core's minutes and locations `at`. `capKrw` is what the job may pay for
 * transport in all; `aloneKrw(km)` the cheapest truck of the round for a trip of `km`. The feeder may cost what
 * a truck of its own would to the centre and back (it is short and seldom shared), the trunk the rest less
 * handling: the saving, if any, is made on the shared trunk.
 */
export function centreOptions(job: TransportJob, ctx: RoundContext, at: { origin: number; centre: number; drop: number }, capKrw: number, aloneKrw: (km: number) => number): CentreOption[] {
  const { config, centre, now } = ctx;
  const r = job.request;
  const handlingKrw = centre.handlingFeePerPalletKrw * r.pallets;
  const feederKm = roadKm(haversineKm(job.origin, centre.location), config);
  const trunkKm = roadKm(haversineKm(centre.location, job.drops[0]!), config);
  const dockMs = serviceMinutes(DEFAULT_LOADING_METHOD, r.pallets) * MINUTE;
  const handlingMs = config.centreHandlingMinutes * MINUTE;
  const dropService = job.dropServiceMs[0]!;
  const feederCap = aloneKrw(2 * feederKm);
  const trunkCap = capKrw - handlingKrw - feederCap;
  if (!(trunkCap > 0)) return [];
  const minutes = (ms: number) => (ms - now) / MINUTE;
  const options: CentreOption[] = [];
  const firstDay = kstDayOf(Math.max(now, r.pickupWindow.start));
  for (let day = firstDay; day <= kstDayOf(job.deadlineMs) && options.length < config.centreSlotsPerRequest; day++) {
    const opens = kstTimeOn(day, centre.opensAt ?? '00:00');
    const closes = kstTimeOn(day, centre.closesAt ?? '24:00');
    for (let slot = opens + handlingMs + dockMs; slot + dockMs <= closes && options.length < config.centreSlotsPerRequest; slot += config.centreTrunkEveryMinutes * MINUTE) {
      const feederLatest = slot - handlingMs - dockMs;
      const feederEarliest = Math.max(opens, r.pickupWindow.start, now);
      // The feeder can reach the centre in time, and the trunk the destination by the deadline.
      if (Math.max(now, r.pickupWindow.start) + job.pickupServiceMs + travelMs(feederKm, config) > feederLatest) continue;
      const trunkLatest = Math.min(slot + config.centreTrunkWaitMinutes * MINUTE, closes - dockMs);
      const deliveryLatest = job.deadlineMs - dropService;
      if (slot + dockMs + travelMs(trunkKm, config) > deliveryLatest) break;
      const deliveryEarliest = Math.max(slot, job.dropEarliestMs);
      options.push({
        day,
        feeder: { kind: 'FEEDER', capKrw: feederCap, handlingKrw, earliestMs: feederEarliest, latestMs: feederLatest, serviceMs: dockMs },
        trunk: { kind: 'TRUNK', capKrw: trunkCap, handlingKrw: 0, earliestMs: slot, latestMs: trunkLatest, serviceMs: dockMs },
        transfer: {
          feeder: {
            pickup: { location: at.origin, earliest: Math.max(0, minutes(r.pickupWindow.start)), latest: Math.max(0, minutes(r.pickupWindow.end)), service: job.pickupServiceMs / MINUTE },
            delivery: { location: at.centre, earliest: minutes(feederEarliest), latest: minutes(feederLatest), service: dockMs / MINUTE },
            maxShare: feederCap,
          },
          trunk: {
            pickup: { location: at.centre, earliest: minutes(slot), latest: minutes(trunkLatest), service: dockMs / MINUTE },
            delivery: { location: at.drop, earliest: minutes(deliveryEarliest), latest: minutes(deliveryLatest), service: dropService / MINUTE },
            maxShare: trunkCap,
          },
          handover: config.centreHandlingMinutes,
          cost: handlingKrw,
          amount: r.pallets,
        },
      });
    }
    if (closes - now > 7 * DAY) break;
  }
  return options;
}
