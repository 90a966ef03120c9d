/**
 * What the simulated organisations do, each through the service as itself (its API key over HTTP, its viewer
 * in-process; see market.ts): manufacturers
 * post requests, the operator runs rounds, carriers and warehouse owners answer offers, carriers drive, report
 * tracking and proof of delivery, and keep their vehicles' availability honest.
 *
 * Vehicles keep their shifts while booked: the engine plans a booked vehicle from where its last booking leaves
 * it. Vehicles do not return to base: they wait where they delivered.
 */
import type { Faker } from '@faker-js/faker';
import type { CreateShipmentRequestInput } from '../../src/demand/request-input';
import { haversineKm, type LatLng } from '../../src/geo/distance';
import { seoulDay } from '../../src/supply/listings/seoul-day';
import type { Agenda } from './agenda';
import { seoulTimeOfDay, type SimClock } from './clock';
import { DAY_MS, MINUTE_MS } from '../../src/time';
import { ServiceError, type AcceptedBooking, type Market } from './market';
import type { ListingSpec, VehicleSpec } from './population';
import { BEHAVIOUR } from './scenario';

export interface SimVehicle<Who> {
  id: string;
  carrier: Who;
  position: LatLng;
  /** Bookings it holds (several only for the shares of one consolidated load). */
  holds: Set<string>;
  /** Bookings whose goods are on board now (picked up, not yet delivered): a move with any is loaded km. */
  onBoard: Set<string>;
}

export interface Supplier<Who> {
  who: Who;
  role: 'CARRIER' | 'WAREHOUSE_OWNER';
}

export interface Counters {
  requests: number;
  rounds: number;
  offersAccepted: number;
  offersDeclined: number;
  /** Offers that could no longer be accepted (taken or ended meanwhile). */
  acceptConflicts: number;
  /** Vehicle trips driven: routes whose goods were collected (an extension rides on a trip already counted). */
  trips: number;
  /** Transport bookings, one per consolidated share. */
  bookings: number;
  storageBookings: number;
  deliveries: number;
  /** Bookings that ended before pickup (another leg of the request was declined). */
  endedBeforePickup: number;
  listings: number;
}

/** Km the vehicles drove between their reported positions: to pickups (empty) and to drops (loaded). */
export interface ObservedKm {
  emptyKm: number;
  loadedKm: number;
}

export interface ActorsDeps<Who> {
  market: Market<Who>;
  clock: SimClock;
  agenda: Agenda;
  /** Decides accept or decline (seeded, separate from the demand's). */
  faker: Faker;
  complexCode: string;
  operator: Who;
  /** Vehicles work until this instant; availability is published up to it. */
  horizon: number;
  detourFactor: number;
  /** The operator skips rounds while nothing is open: the last round found no open request and none was posted since. */
  skipIdleRounds?: boolean;
}

export class Actors<Who> {
  readonly counters: Counters = { requests: 0, rounds: 0, offersAccepted: 0, offersDeclined: 0, acceptConflicts: 0, trips: 0, bookings: 0, storageBookings: 0, deliveries: 0, endedBeforePickup: 0, listings: 0 };
  readonly observed: ObservedKm = { emptyKm: 0, loadedKm: 0 };
  readonly vehicles = new Map<string, SimVehicle<Who>>();
  /** Routes whose goods were collected so far: each is one vehicle trip. */
  private readonly tripRoutes = new Set<string>();
  private readonly suppliers: Supplier<Who>[] = [];
  private readonly listingLocations = new Map<string, LatLng>();
  /** Where a request's goods go when it booked storage: the warehouse, not its final destination. */
  private readonly storageDrops = new Map<string, LatLng>();
  private listingSerial = 0;
  /** Whether a round may find something open: a request was posted, or the last round found some. */
  private mayHaveOpen = true;

  constructor(private readonly deps: ActorsDeps<Who>) {}

  /** Bookings not yet delivered or ended. */
  get activeBookings(): number {
    let n = 0;
    for (const v of this.vehicles.values()) n += v.holds.size;
    return n;
  }

  addSupplier(supplier: Supplier<Who>): void {
    this.suppliers.push(supplier);
  }

  /** CARRIER: registers a vehicle, available every shift until the horizon. */
  async registerVehicle(carrier: Who, spec: VehicleSpec): Promise<void> {
    const id = await this.deps.market.registerVehicle(carrier, { ...spec, availability: this.shiftsFrom(this.now()), idempotencyKey: `vehicle-${this.vehicles.size + 1}` });
    this.vehicles.set(id, { id, carrier, position: spec.location, holds: new Set(), onBoard: new Set() });
  }

  /** WAREHOUSE_OWNER: lists idle space from today for the weeks ahead. */
  async createListing(owner: Who, spec: ListingSpec): Promise<void> {
    const { idlePallets, ...listing } = spec;
    const id = await this.deps.market.createListing(owner, {
      ...listing,
      availability: [{ from: seoulDay(this.deps.clock.now()), to: seoulDay(new Date(this.now() + BEHAVIOUR.listingAheadDays * DAY_MS)), idlePallets }],
      opensAt: '08:00',
      closesAt: '20:00',
      idempotencyKey: `listing-${++this.listingSerial}`,
    });
    this.listingLocations.set(id, spec.location);
    this.counters.listings++;
  }

  /** MANUFACTURER: posts a shipment request. */
  async postRequest(manufacturer: Who, input: CreateShipmentRequestInput): Promise<void> {
    await this.deps.market.postRequest(manufacturer, input);
    this.counters.requests++;
    this.mayHaveOpen = true;
  }

  /** OPERATOR: runs a matching round; the suppliers who got offers answer them right away. */
  async runRound(): Promise<void> {
    if (this.deps.skipIdleRounds && !this.mayHaveOpen) return;
    const { requestsConsidered, offersWritten } = await this.deps.market.runRound(this.deps.operator, this.deps.complexCode);
    this.counters.rounds++;
    this.mayHaveOpen = requestsConsidered > 0;
    // Suppliers are notified of new offers (the offerReceived subscription); rounds that wrote none wake nobody.
    if (!offersWritten) return;
    for (const supplier of this.suppliers) await this.answerOffers(supplier);
  }

  /** CARRIER or WAREHOUSE_OWNER: accepts or declines each of its pending offers (a route's shares as one). */
  private async answerOffers(supplier: Supplier<Who>): Promise<void> {
    const pending = await this.deps.market.pendingOffers(supplier.who);
    const answeredLoads = new Set<string>();
    // The list runs newest first; a supplier answers the oldest first, the soonest to expire.
    for (const offer of [...pending].reverse()) {
      if (offer.routeId) {
        if (answeredLoads.has(offer.routeId)) continue;
        answeredLoads.add(offer.routeId);
      }
      if (this.deps.faker.datatype.boolean(BEHAVIOUR.acceptProbability)) await this.accept(supplier, offer.id);
      else await this.decline(supplier, offer.id);
    }
  }

  private async accept(supplier: Supplier<Who>, offerId: string): Promise<void> {
    let bookings: AcceptedBooking[];
    try {
      bookings = await this.deps.market.acceptOffer(supplier.who, offerId, `accept-${offerId}`);
    } catch (error) {
      if (!(error instanceof ServiceError && error.code === 'CONFLICT')) throw error;
      this.counters.acceptConflicts++;
      return;
    }
    this.counters.offersAccepted++;
    for (const booking of bookings) {
      if (booking.kind === 'STORAGE') {
        this.counters.storageBookings++;
        this.storageDrops.set(booking.shipmentRequestId, this.listingLocations.get(booking.listingId!)!);
        continue;
      }
      this.counters.bookings++;
      const vehicle = this.vehicles.get(booking.vehicleId!)!;
      vehicle.holds.add(booking.id);
      this.deps.agenda.add(booking.pickupAt!.getTime(), () => this.pickUp(vehicle, booking));
      this.deps.agenda.add(booking.deliverAt!.getTime(), () => this.deliver(vehicle, booking));
    }
  }

  private async decline(supplier: Supplier<Who>, offerId: string): Promise<void> {
    const reason = supplier.role === 'CARRIER' ? 'No driver for that slot' : 'Space promised to a regular customer';
    try {
      await this.deps.market.declineOffer(supplier.who, offerId, reason);
      this.counters.offersDeclined++;
    } catch (error) {
      if (!(error instanceof ServiceError && error.code === 'CONFLICT')) throw error;
    }
  }

  /**
   * CARRIER: collects the goods. A route's stops fall due one by one (each booking's pickup and delivery times are
   * its stops'), so the truck drives its route stop by stop; a leg with other goods on board is loaded km.
   */
  private async pickUp(vehicle: SimVehicle<Who>, booking: AcceptedBooking): Promise<void> {
    if (!vehicle.holds.has(booking.id)) return;
    // A trunk leg loads at the centre, where its feeder left the goods.
    const trunk = booking.centreLeg === 'TRUNK';
    const origin = trunk ? booking.centre! : booking.origin;
    await this.move(vehicle, origin, vehicle.onBoard.size > 0 ? 'loadedKm' : 'emptyKm');
    try {
      const kind = trunk ? 'DEPARTED_CENTRE' : 'PICKED_UP';
      await this.deps.market.reportTracking(vehicle.carrier, { bookingId: booking.id, kind, occurredAt: booking.pickupAt!, position: origin, idempotencyKey: `pickup-${booking.id}` });
      vehicle.onBoard.add(booking.id);
      // A route is one trip from its first collection, however many shares and extensions it carries (as
      // complexInsights counts trips: a route given back before any pickup is none).
      if (booking.routeId !== null && !this.tripRoutes.has(booking.routeId)) {
        this.tripRoutes.add(booking.routeId);
        this.counters.trips++;
      }
    } catch (error) {
      // The booking ended meanwhile (another leg of its request was declined): nothing to carry.
      if (!(error instanceof ServiceError && error.code === 'CONFLICT')) throw error;
      this.counters.endedBeforePickup++;
      this.release(vehicle, booking.id);
    }
  }

  /** CARRIER: hands the goods over with a photo as proof of delivery; the vehicle waits there for its next job. */
  private async deliver(vehicle: SimVehicle<Who>, booking: AcceptedBooking): Promise<void> {
    if (!vehicle.holds.has(booking.id)) return;
    if (booking.centreLeg === 'FEEDER') {
      // A feeder leg ends by handing the goods over at the centre.
      await this.move(vehicle, booking.centre!, 'loadedKm');
      await this.deps.market.reportTracking(vehicle.carrier, { bookingId: booking.id, kind: 'AT_CENTRE', occurredAt: booking.deliverAt!, position: booking.centre!, idempotencyKey: `centre-${booking.id}` });
      this.release(vehicle, booking.id);
      return;
    }
    const drop = this.storageDrops.get(booking.shipmentRequestId) ?? booking.destination;
    await this.move(vehicle, drop, 'loadedKm');
    const imageId = await this.deps.market.uploadPod(vehicle.carrier, booking.id);
    await this.deps.market.reportTracking(vehicle.carrier, {
      bookingId: booking.id,
      kind: 'DELIVERED',
      occurredAt: booking.deliverAt!,
      position: drop,
      proofOfDelivery: { receiverName: this.deps.faker.person.fullName(), receivedAt: booking.deliverAt!, imageId },
      idempotencyKey: `deliver-${booking.id}`,
    });
    this.counters.deliveries++;
    this.release(vehicle, booking.id);
  }

  private release(vehicle: SimVehicle<Who>, bookingId: string): void {
    vehicle.holds.delete(bookingId);
    vehicle.onBoard.delete(bookingId);
  }

  private async move(vehicle: SimVehicle<Who>, to: LatLng, kind: keyof ObservedKm): Promise<void> {
    this.observed[kind] += haversineKm(vehicle.position, to) * this.deps.detourFactor;
    vehicle.position = to;
    await this.deps.market.moveVehicle(vehicle.carrier, vehicle.id, to);
  }

  /** The vehicle shifts from `from` until the horizon (a shift with less than half an hour left is skipped). */
  private shiftsFrom(from: number): { startsAt: Date; endsAt: Date }[] {
    const [startHour, endHour] = BEHAVIOUR.shiftHours;
    const windows: { startsAt: Date; endsAt: Date }[] = [];
    for (let day = from; seoulTimeOfDay(day, startHour) < this.deps.horizon; day += DAY_MS) {
      const startsAt = Math.max(from, seoulTimeOfDay(day, startHour));
      const endsAt = Math.min(seoulTimeOfDay(day, endHour), this.deps.horizon);
      if (endsAt - startsAt >= 30 * MINUTE_MS) windows.push({ startsAt: new Date(startsAt), endsAt: new Date(endsAt) });
    }
    return windows;
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }
}
