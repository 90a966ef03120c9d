/**
 * Consolidation through the complex's joint logistics centre.
 *
 * Small loads (<= maxPalletsPerRequest pallets, no storage need, picked up within maxFeederKm of the centre) are grouped by cargo family (dry / chilled /
 * frozen), destination H3 cell at a coarse resolution and overlapping pickup windows. Each is fed to the centre
 * by the centre's shuttle (priced at the feeder tariff, round trip), cross-docked (handling fee per pallet,
 * cross-dock capacity per day respected) and carried on one trunk vehicle that leaves the centre and drops in
 * nearest-neighbour order. Packing is greedy: for every candidate trunk vehicle, members are added largest
 * first while each one lowers the total; the vehicle with the largest saving wins, and the group is packed again
 * with what is left ("cheapest vehicle mix" by repeated best-saving choice: a heuristic, not an exact packing).
 *
 * A load is kept only if it costs less than the members' separate trucks: the direct assignment each member
 * already has, or the dedicated baseline truck for members the assignment could not serve. So consolidation
 * never costs more than separate trucks and never un-serves a request. Hazmat never shares with food
 * (canShareVehicle), and the trunk body must suit every member's cargo.
 * The cost is split in proportion to pallets x (feeder km + centre-to-destination km).
 */
import { haversineKm, type LatLng } from '../../geo/distance';
import { cellsOf } from '../../geo/h3';
import { vehicleClass } from '../../supply/vehicle-classes';
import { offerBaselineFor } from './baseline';
import { CandidateIndex } from './candidates';
import { roadKm, travelMs } from './config';
import { consolidationFamily, type RoundContext, type TransportJob, type VehicleProfile } from './context';
import { addBreakdowns, allocateProportionally, co2Kg, handlingCost, splitBreakdown, totalOf, transportCost } from './cost';
import { kstDayOf } from './days';
import { canShareVehicle, cargoFitsBody, schedule } from './feasibility';
import type { ConsolidatedOffer, ConsolidatedShare, CostBreakdown } from './types';

interface Member {
  job: TransportJob;
  groupKey: string;
  feederKm: number;
  feederPickupAt: number;
  /** Latest moment the shuttle may leave the centre for this pickup (bounds the offer's expiry). */
  feederLatestDispatch: number;
  readyAt: number;
  centreToDestKm: number;
  separateCostKrw: number;
}

export interface ConsolidatedLoad {
  vehicleIndex: number;
  jobIndices: number[];
  offer: ConsolidatedOffer;
}

export interface ConsolidationState {
  /** Vehicle currently holding each job's direct leg (-1 none). Updated as loads are formed. */
  vehicleOfJob: Int32Array;
  /** Whether each vehicle is unused. Updated as loads are formed. */
  vehicleFree: Uint8Array;
  /** Cost of each job's current separate arrangement (its direct leg, or its baseline truck). */
  separateCostKrw: (jobIndex: number) => number;
}

/** Groups are packed in chunks of at most this many members (by pickup time) to bound the packing work. */
const MAX_GROUP_SIZE = 24;

/**
 * Returns the consolidated loads worth making (each strictly cheaper than its members' separate trucks),
 * updating `state` (members' direct vehicles freed, trunk vehicles taken).
 */
export function consolidate(jobs: readonly TransportJob[], ctx: RoundContext, state: ConsolidationState): ConsolidatedLoad[] {
  const settings = ctx.config.consolidation;
  if (!settings.enabled) return [];
  const members = jobs.map((job) => memberOf(job, ctx, state)).filter((m): m is Member => m !== null);
  const groups = groupMembers(members);
  if (groups.length === 0) return [];

  const centre = ctx.centre;
  const trunkIndex = new CandidateIndex(ctx.vehicles.map((v) => v.input));
  // Cheapest to bring to the centre first; sorted once, scanned per group.
  const nearCentre = trunkIndex.within(centre.location, ctx.config.centreSearchRadiusKm).sort((a, b) => {
    const va = ctx.vehicles[a.index]!.input;
    const vb = ctx.vehicles[b.index]!.input;
    return va.baseFeeKrw + va.perKmKrw * a.greatCircleKm - (vb.baseFeeKrw + vb.perKmKrw * b.greatCircleKm) || a.index - b.index;
  });
  const rankOf = new Int32Array(ctx.vehicles.length).fill(-1);
  const kindOf = new Int32Array(ctx.vehicles.length).fill(-1);
  const kindIds = new Map<string, number>();
  nearCentre.forEach((hit, k) => {
    rankOf[hit.index] = k;
    const signature = signatureOf(ctx.vehicles[hit.index]!);
    if (!kindIds.has(signature)) kindIds.set(signature, kindIds.size);
    kindOf[hit.index] = kindIds.get(signature)!;
  });
  // Most vehicles near the centre are already taken: scan only the free ones (refreshed after every load).
  const freeNearCentre = (): FreeTrunks => {
    const vehicles = nearCentre.filter((hit) => state.vehicleFree[hit.index] === 1).map((hit) => hit.index);
    const perKind = new Int32Array(kindIds.size);
    for (const v of vehicles) perKind[kindOf[v]!]!++;
    return { vehicles, perKind };
  };
  let freeNear = freeNearCentre();
  const crossDockUsed = new Map<number, number>();
  const loads: ConsolidatedLoad[] = [];

  for (const group of groups) {
    let remaining = group;
    while (remaining.length >= 2) {
      const best = bestLoad(remaining, candidateTrunks(freeNear, rankOf, kindOf, remaining, ctx, state), ctx, state, crossDockUsed);
      if (!best) break;
      const loadId = `L${loads.length + 1}`;
      const offer: ConsolidatedOffer = { ...best.offer, loadId };
      loads.push({ vehicleIndex: best.vehicle.index, jobIndices: best.members.map((m) => m.job.index), offer });
      for (const m of best.members) {
        const previous = state.vehicleOfJob[m.job.index]!;
        if (previous !== -1) state.vehicleFree[previous] = 1;
        state.vehicleOfJob[m.job.index] = -1;
      }
      state.vehicleFree[best.vehicle.index] = 0;
      const day = kstDayOf(best.offer.departCentreAt);
      crossDockUsed.set(day, (crossDockUsed.get(day) ?? 0) + best.pallets);
      freeNear = freeNearCentre();
      const taken = new Set(best.members);
      remaining = remaining.filter((m) => !taken.has(m));
    }
  }
  return loads;
}

function memberOf(job: TransportJob, ctx: RoundContext, state: ConsolidationState): Member | null {
  const r = job.request;
  const settings = ctx.config.consolidation;
  const family = consolidationFamily(r.cargoClass);
  if (!family || r.storage || r.pallets <= 0 || r.pallets > settings.maxPalletsPerRequest) return null;
  const feederKm = roadKm(haversineKm(r.origin, ctx.centre.location), ctx.config);
  if (feederKm > settings.maxFeederKm) return null;
  const feederMs = travelMs(feederKm, ctx.config);
  const feederPickupAt = Math.max(r.pickupWindow.start, ctx.now + feederMs);
  if (feederPickupAt > r.pickupWindow.end) return null;
  const stopMs = ctx.config.stopMinutes * 60_000;
  const destCell = cellsOf(r.destination)[`r${settings.destinationResolution}`];
  return {
    job,
    groupKey: `${family}|${destCell}`,
    feederKm,
    feederPickupAt,
    feederLatestDispatch: r.pickupWindow.end - feederMs,
    readyAt: feederPickupAt + stopMs + feederMs + settings.centreHandlingMinutes * 60_000,
    centreToDestKm: roadKm(haversineKm(ctx.centre.location, r.destination), ctx.config),
    separateCostKrw: state.separateCostKrw(job.index),
  };
}

/** Groups by family and destination cell, then splits each into runs of pairwise-overlapping pickup windows. */
function groupMembers(members: Member[]): Member[][] {
  const byKey = new Map<string, Member[]>();
  for (const m of members) {
    const list = byKey.get(m.groupKey);
    if (list) list.push(m);
    else byKey.set(m.groupKey, [m]);
  }
  const groups: Member[][] = [];
  for (const key of [...byKey.keys()].sort()) {
    const list = byKey.get(key)!.sort((a, b) => a.job.request.pickupWindow.start - b.job.request.pickupWindow.start || a.job.index - b.job.index);
    let run: Member[] = [];
    let runEnd = Infinity;
    for (const m of list) {
      const w = m.job.request.pickupWindow;
      if (run.length > 0 && w.start > runEnd) {
        if (run.length >= 2) groups.push(run);
        run = [];
        runEnd = Infinity;
      }
      if (run.length >= MAX_GROUP_SIZE) {
        groups.push(run);
        run = [];
        runEnd = Infinity;
      }
      run.push(m);
      runEnd = Math.min(runEnd, w.end);
    }
    if (run.length >= 2) groups.push(run);
  }
  return groups;
}

/** Trunk candidates tried per vehicle kind (the cheapest ones to bring to the centre). */
const TRUNKS_PER_KIND = 2;

/** Vehicle kind for trunk selection: within a kind, the cheapest to bring to the centre is the one to try. */
function signatureOf(v: VehicleProfile): string {
  const i = v.input;
  return `${i.vehicleClass}|${i.bodyType}|${i.hazmatCertified}|${i.payloadKg}|${i.palletSlots}`;
}

/** Free vehicles near the centre in order of cost to bring there, and how many there are of each kind. */
interface FreeTrunks {
  vehicles: number[];
  perKind: Int32Array;
}

/**
 * The cheapest free vehicles of each kind near the centre, plus the vehicles near the centre that the group's own
 * members hold, in order of cost to bring to the centre.
 */
function candidateTrunks(free: FreeTrunks, rankOf: Int32Array, kindOf: Int32Array, group: Member[], ctx: RoundContext, state: ConsolidationState): VehicleProfile[] {
  const taken = new Int32Array(free.perKind.length);
  let kindsLeft = free.perKind.filter((n) => n > 0).length;
  const picked: number[] = [];
  for (const v of free.vehicles) {
    const kind = kindOf[v]!;
    if (taken[kind]! >= TRUNKS_PER_KIND) continue;
    taken[kind]!++;
    picked.push(v);
    if (taken[kind] === Math.min(TRUNKS_PER_KIND, free.perKind[kind]!)) kindsLeft--;
    if (kindsLeft === 0) break;
  }
  for (const m of group) {
    const owned = state.vehicleOfJob[m.job.index]!;
    if (owned !== -1 && rankOf[owned]! >= 0 && !picked.includes(owned)) picked.push(owned);
  }
  return picked.sort((a, b) => rankOf[a]! - rankOf[b]!).map((v) => ctx.vehicles[v]!);
}

interface LoadPlan {
  vehicle: VehicleProfile;
  members: Member[];
  pallets: number;
  costKrw: number;
  offer: Omit<ConsolidatedOffer, 'loadId'>;
}

function bestLoad(group: Member[], trunks: VehicleProfile[], ctx: RoundContext, state: ConsolidationState, crossDockUsed: Map<number, number>): LoadPlan | null {
  const order = [...group].sort((a, b) => b.job.request.pallets - a.job.request.pallets || a.job.request.deliveryDeadline - b.job.request.deliveryDeadline || a.job.index - b.job.index);
  let best: { plan: LoadPlan; saving: number } | null = null;
  // Vehicles of a kind pack alike: a further one of a kind is tried only when the ones before could not load.
  const loadedKinds = new Set<string>();
  for (const vehicle of trunks) {
    const kind = signatureOf(vehicle);
    const owned = group.some((m) => state.vehicleOfJob[m.job.index] === vehicle.index);
    if (loadedKinds.has(kind) && !owned) continue;
    const plan = packVehicle(vehicle, order, ctx, crossDockUsed);
    if (!plan || plan.members.length < 2) continue;
    loadedKinds.add(kind);
    // A vehicle already holding a member's direct leg may become the trunk only if that member rides on it.
    const owner = group.find((m) => state.vehicleOfJob[m.job.index] === vehicle.index);
    if (owner && !plan.members.includes(owner)) continue;
    const saving = plan.members.reduce((s, m) => s + m.separateCostKrw, 0) - plan.costKrw;
    if (saving > 0 && (!best || saving > best.saving)) best = { plan, saving };
  }
  return best?.plan ?? null;
}

function packVehicle(vehicle: VehicleProfile, order: Member[], ctx: RoundContext, crossDockUsed: Map<number, number>): LoadPlan | null {
  const v = vehicle.input;
  const maxDrops = ctx.config.consolidation.maxDropsPerLoad;
  let chosen: Member[] = [];
  let current: LoadPlan | null = null;
  let weight = 0;
  let pallets = 0;
  for (const m of order) {
    const r = m.job.request;
    if (chosen.length >= maxDrops) break;
    if (cargoFitsBody(r.cargoClass, v.bodyType, v.hazmatCertified) !== null) continue;
    if (ctx.isVehicleExcluded(r.id, v.id)) continue;
    if (chosen.some((c) => !canShareVehicle(c.job.request.cargoClass, r.cargoClass))) continue;
    if (weight + r.weightKg > v.payloadKg || pallets + r.pallets > v.palletSlots) continue;
    const next = priceLoad(vehicle, [...chosen, m], ctx, crossDockUsed);
    if (!next) continue;
    if (current && m.separateCostKrw <= next.costKrw - current.costKrw) continue;
    chosen = next.members;
    current = next;
    weight += r.weightKg;
    pallets += r.pallets;
  }
  // Drop members whose share would exceed their maximum price, then re-price.
  while (current && current.members.length >= 2 && current.members.some((m) => m.job.request.maxPriceKrw !== null)) {
    const over = current.offer.shares.find((s) => {
      const max = current!.members.find((m) => m.job.request.id === s.requestId)!.job.request.maxPriceKrw;
      return max !== null && s.priceKrw > max;
    });
    if (!over) break;
    const rest = current.members.filter((m) => m.job.request.id !== over.requestId);
    current = rest.length >= 2 ? priceLoad(vehicle, rest, ctx, crossDockUsed) : null;
  }
  return current;
}

/** Returns the priced, scheduled load of `members` on `vehicle`, or null when it cannot run. */
function priceLoad(vehicle: VehicleProfile, members: Member[], ctx: RoundContext, crossDockUsed: Map<number, number>): LoadPlan | null {
  const { config, centre } = ctx;
  const settings = config.consolidation;
  const stopMs = config.stopMinutes * 60_000;
  const route = nearestNeighbourRoute(centre.location, members, config.detourFactor);
  const deadheadKm = roadKm(haversineKm(vehicle.input.location, centre.location), config);
  const offsets: number[] = [];
  let elapsed = stopMs;
  let latestStartForDeadline = Infinity;
  for (const leg of route) {
    elapsed += travelMs(leg.km, config) + stopMs;
    offsets.push(elapsed);
    latestStartForDeadline = Math.min(latestStartForDeadline, leg.member.job.request.deliveryDeadline - elapsed);
  }
  const slot = schedule({
    now: ctx.now,
    windows: vehicle.windows,
    approachMs: travelMs(deadheadKm, config),
    earliestStart: Math.max(...members.map((m) => m.readyAt)),
    latestStart: Infinity,
    latestStartForDeadline,
    workMs: elapsed,
  });
  if (!slot.ok) return null;
  const pallets = members.reduce((s, m) => s + m.job.request.pallets, 0);
  const day = kstDayOf(slot.startAt);
  if ((crossDockUsed.get(day) ?? 0) + pallets > centre.crossDockCapacityPalletsPerDay) return null;

  const trunkKm = route.reduce((s, leg) => s + leg.km, 0);
  const feederKm = members.reduce((s, m) => s + m.feederKm, 0);
  const feeder: CostBreakdown = {
    baseKrw: settings.feederStopFeeKrw * members.length,
    distanceKrw: Math.round(settings.feederPerKmKrw * 2 * feederKm),
    storageKrw: 0,
    handlingKrw: 0,
  };
  const breakdown = addBreakdowns(transportCost(vehicle.input.baseFeeKrw, vehicle.input.perKmKrw, deadheadKm, trunkKm), feeder, handlingCost(pallets, centre.handlingFeePerPalletKrw));
  const shuttle = vehicleClass(settings.feederVehicleClass);
  const co2 = co2Kg(deadheadKm, vehicle.co2GPerKmEmpty, trunkKm, vehicle.co2GPerKmLoaded) + co2Kg(feederKm, shuttle.co2GPerKmEmpty, feederKm, shuttle.co2GPerKmLoaded);
  const costKrw = totalOf(breakdown);

  const ordered = route.map((leg) => leg.member);
  // Packing prices many candidate loads and keeps few: the shares are split only when an offer is read.
  const buildOffer = (): LoadPlan['offer'] => {
    const weights = ordered.map((m) => m.job.request.pallets * (m.feederKm + m.centreToDestKm));
    const parts = splitBreakdown(breakdown, weights);
    const grams = allocateProportionally(Math.round(co2 * 1000), weights);
    const totalWeight = weights.reduce((a, b) => a + b, 0);
    const share = (km: number, k: number) => (totalWeight > 0 ? (km * weights[k]!) / totalWeight : km / weights.length);
    const shares: ConsolidatedShare[] = ordered.map((m, k) => ({
      requestId: m.job.request.id,
      shipperOrgId: m.job.request.shipperOrgId,
      pallets: m.job.request.pallets,
      distanceKm: m.feederKm + m.centreToDestKm,
      priceKrw: totalOf(parts[k]!),
      breakdown: parts[k]!,
      co2Kg: grams[k]! / 1000,
      deadheadKm: share(deadheadKm + feederKm, k),
      loadedKm: share(trunkKm + feederKm, k),
      pickupAt: m.feederPickupAt,
      deliverAt: slot.startAt + offsets[k]!,
      baseline: offerBaselineFor(m.job),
    }));
    const expiresAt = Math.min(ctx.now + config.offerTtlMs, slot.latestStartAt - (slot.startAt - slot.departAt), ...ordered.map((m) => m.feederLatestDispatch));
    return {
      kind: 'CONSOLIDATED',
      vehicleId: vehicle.input.id,
      requestIds: ordered.map((m) => m.job.request.id),
      shares,
      priceKrw: costKrw,
      breakdown,
      deadheadKm: deadheadKm + feederKm,
      loadedKm: trunkKm + feederKm,
      feederKm,
      co2Kg: co2,
      departCentreAt: slot.startAt,
      expiresAt: Math.max(ctx.now, expiresAt),
    };
  };
  let offer: LoadPlan['offer'] | undefined;
  return {
    vehicle,
    members: ordered,
    pallets,
    costKrw,
    get offer() {
      return (offer ??= buildOffer());
    },
  };
}

function nearestNeighbourRoute(start: LatLng, members: Member[], detour: number): { member: Member; km: number }[] {
  const left = [...members];
  const route: { member: Member; km: number }[] = [];
  let at = start;
  while (left.length > 0) {
    let bestK = 0;
    let bestKm = Infinity;
    left.forEach((m, k) => {
      const km = haversineKm(at, m.job.request.destination) * detour;
      if (km < bestKm || (km === bestKm && m.job.index < left[bestK]!.job.index)) {
        bestK = k;
        bestKm = km;
      }
    });
    const [member] = left.splice(bestK, 1);
    route.push({ member: member!, km: bestKm });
    at = member!.job.request.destination;
  }
  return route;
}
