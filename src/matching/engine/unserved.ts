/**
 * Why a request the round considered got no offer, in terms its shipper can act on: the rule its storage or the
 * nearest trucks broke (the one that got furthest through the checks, a truck that declined it as far as it would
 * have got otherwise; EXCLUDED when it could have carried it), HELD when its route waits for companions,
 * TAKEN when trucks could carry it but the round gave them other loads, STORAGE_HOURS when its warehouse closes before
 * any truck can unload there. Only unserved requests are diagnosed, each
 * against its nearest free trucks, so the cost stays apart from the search's and bounded at any fleet size.
 */
import type { UnmatchedReason } from '../../../db/schema/enums';
import { haversineKm, type LatLng } from '../../geo/distance';
import { CandidateIndex } from './candidates';
import type { RoundContext, TransportJob, VehicleProfile } from './context';
import type { RefusalReason } from './feasibility';
import { evaluateTransport } from './transport';
import type { RequestInput } from './types';

export interface UnservedRequest {
  requestId: string;
  reason: UnmatchedReason;
}

/** A truck's checks in order (transport.ts): the later one it failed, the nearer the request came to an offer. */
const STAGES: readonly RefusalReason[] = ['EXCLUDED', 'BODY', 'HAZMAT', 'LOADING', 'PAYLOAD', 'PALLETS', 'WINDOW', 'DEADLINE', 'DRIVING', 'PRICE'];
/** Trucks asked per unserved request: the ones a shipper would think of. */
const NEAREST = 50;
/** Discs searched for them, widening until one holds enough (every truck within a disc is found, so they are the nearest). */
const DISCS_KM = [0.5, 2, 8, 30, 100];

/**
 * The reason for each of `requests` not `served`: its storage's refusal when no warehouse took it, HELD when its
 * route waits for companions (`held`, jobs), else its transport's.
 */
export function whyUnserved(
  requests: readonly RequestInput[],
  served: ReadonlySet<string>,
  jobs: readonly TransportJob[],
  held: ReadonlySet<number>,
  storageRefusals: ReadonlyMap<number, RefusalReason>,
  ctx: RoundContext,
): UnservedRequest[] {
  const jobOf = new Map(jobs.filter((j) => j.requestIndex >= 0).map((j) => [j.requestIndex, j]));
  let trucks: NearestTrucks | undefined;
  return requests.flatMap((request, i): UnservedRequest[] => {
    if (served.has(request.id)) return [];
    const job = jobOf.get(i);
    const reason = !job ? (storageRefusals.get(i) ?? 'STORAGE_CAPACITY') : held.has(job.index) ? 'HELD' : transportReason(job, ctx, (trucks ??= new NearestTrucks(ctx)));
    return [{ requestId: request.id, reason }];
  });
}

/** The reason `job` got no truck: TAKEN when one of its nearest free trucks could have carried it. */
function transportReason(job: TransportJob, ctx: RoundContext, trucks: NearestTrucks): UnmatchedReason {
  const nearest = trucks.of(job.origin);
  if (nearest.length === 0) return 'NO_VEHICLE';
  // Diagnosing is not searching: the report's pair counters stay the search's.
  const quiet = { ...ctx, counters: { pairsEvaluated: 0, feasiblePairs: 0 } };
  let furthest = 0;
  let declinedButFit = false;
  for (const vehicle of nearest) {
    const plan = evaluateTransport(job, vehicle, quiet);
    if (plan.ok) return 'TAKEN';
    // A truck that declined it fails the first check; it counts as far as it would have got otherwise, and when it
    // could have carried it, the others' rules are not what kept it from an offer (a hazmat load declined by the only
    // certified truck is not "no truck is certified").
    const otherwise = plan.reason === 'EXCLUDED' ? evaluateTransport(job, vehicle, { ...quiet, isVehicleExcluded: () => false }) : plan;
    if (otherwise.ok) declinedButFit = true;
    else furthest = Math.max(furthest, STAGES.indexOf(otherwise.reason));
  }
  if (declinedButFit) return 'EXCLUDED';
  // A deadline cut short by a warehouse closing (jobs.ts): its hours, not the shipper's deliverBy, are what failed.
  if (STAGES[furthest] === 'DEADLINE' && job.deadlineMs < job.request.deliveryDeadline) return 'STORAGE_HOURS';
  return STAGES[furthest]!;
}

/** The round's trucks with free time, nearest first to a point. */
class NearestTrucks {
  private readonly free: VehicleProfile[];
  private readonly index: CandidateIndex;

  constructor(ctx: RoundContext) {
    this.free = ctx.vehicles.filter((v) => v.windows.length > 0);
    this.index = new CandidateIndex(this.free.map((v) => v.input));
  }

  of(point: LatLng): VehicleProfile[] {
    if (this.free.length <= NEAREST) return this.free;
    for (const km of DISCS_KM) {
      const hits = this.index.within(point, km);
      if (hits.length >= NEAREST) return hits.sort((a, b) => a.greatCircleKm - b.greatCircleKm).slice(0, NEAREST).map((h) => this.free[h.index]!);
    }
    const kmTo = this.free.map((v) => haversineKm(v.input.location, point));
    return this.free.map((_, i) => i).sort((a, b) => kmTo[a]! - kmTo[b]!).slice(0, NEAREST).map((i) => this.free[i]!);
  }
}
