/**
 * How simulated actors talk to the service in `npm run simulate`: GraphQL over HTTP with their own API key,
 * as any client would, and the proof-of-delivery upload route.
 */
import type { ComplexInsights } from '../../src/insights/get-complex-insights';
import { POD_IMAGES_PATH } from '../../src/http/pod-images';
import { ServiceError, TINY_PNG, type AcceptedBooking, type Market, type PendingOffer, type RoundOutcome } from './market';

export class ServiceClient implements Market<string> {
  /** HTTP requests sent so far. */
  requests = 0;

  constructor(private readonly baseUrl: string) {}

  /**
   * Runs one operation as the holder of `apiKey` and returns its data.
   * @throws ServiceError with the first error's code when the service answered with errors.
   */
  async call<T>(apiKey: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    this.requests++;
    const response = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
    const error = body.errors?.[0];
    if (error) throw new ServiceError(error.extensions?.code ?? `HTTP_${response.status}`, error.message);
    return body.data!;
  }

  async registerVehicle(apiKey: string, input: Parameters<Market<string>['registerVehicle']>[1]): Promise<string> {
    const { vehicleRegister } = await this.call<{ vehicleRegister: { vehicle: { id: string } } }>(apiKey, OPERATIONS.vehicleRegister, { input });
    return vehicleRegister.vehicle.id;
  }

  async createListing(apiKey: string, input: Parameters<Market<string>['createListing']>[1]): Promise<string> {
    const { warehouseListingCreate } = await this.call<{ warehouseListingCreate: { listing: { id: string } } }>(apiKey, OPERATIONS.listingCreate, { input });
    return warehouseListingCreate.listing.id;
  }

  async postRequest(apiKey: string, input: Parameters<Market<string>['postRequest']>[1]): Promise<void> {
    await this.call(apiKey, OPERATIONS.requestCreate, { input });
  }

  async runRound(apiKey: string, complexCode: string): Promise<RoundOutcome> {
    const { matchingRunStart } = await this.call<{ matchingRunStart: { round: { report: RoundOutcome | null } } }>(apiKey, OPERATIONS.roundStart, { input: { complexCode } });
    return matchingRunStart.round.report ?? { requestsConsidered: 0, offersWritten: 0 };
  }

  async pendingOffers(apiKey: string): Promise<PendingOffer[]> {
    type Page = { offers: { edges: { node: PendingOffer }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const pending: PendingOffer[] = [];
    let after: string | null = null;
    do {
      const page: Page = await this.call<Page>(apiKey, OPERATIONS.pendingOffers, { after });
      pending.push(...page.offers.edges.map((e) => e.node));
      after = page.offers.pageInfo.hasNextPage ? page.offers.pageInfo.endCursor : null;
    } while (after);
    return pending;
  }

  async acceptOffer(apiKey: string, offerId: string, idempotencyKey: string): Promise<AcceptedBooking[]> {
    type Wire = Omit<AcceptedBooking, 'pickupAt' | 'deliverAt' | 'origin' | 'destination' | 'centreLeg' | 'centre'> & {
      pickupAt: string | null;
      deliverAt: string | null;
      shipment: { origin: { location: { lat: number; lng: number } }; destination: { location: { lat: number; lng: number } } };
      route: { stops: { action: string; requestId: string; location: { lat: number; lng: number } }[] } | null;
    };
    const { offerAccept } = await this.call<{ offerAccept: { bookings: Wire[] } }>(apiKey, OPERATIONS.offerAccept, { input: { offerId, idempotencyKey } });
    return offerAccept.bookings.map(({ shipment, pickupAt, deliverAt, route, ...b }) => {
      // A leg through the centre: its route hands the goods over there.
      const handOver = route?.stops.find((s) => s.requestId === b.shipmentRequestId && (s.action === 'CENTRE_DROP' || s.action === 'CENTRE_PICKUP'));
      return {
        ...b,
        pickupAt: pickupAt === null ? null : new Date(pickupAt),
        deliverAt: deliverAt === null ? null : new Date(deliverAt),
        origin: shipment.origin.location,
        destination: shipment.destination.location,
        centreLeg: handOver ? (handOver.action === 'CENTRE_DROP' ? 'FEEDER' : 'TRUNK') : null,
        centre: handOver?.location ?? null,
      };
    });
  }

  async declineOffer(apiKey: string, offerId: string, reason: string): Promise<void> {
    await this.call(apiKey, OPERATIONS.offerDecline, { input: { offerId, reason } });
  }

  async moveVehicle(apiKey: string, vehicleId: string, location: { lat: number; lng: number }): Promise<void> {
    await this.call(apiKey, OPERATIONS.vehicleLocation, { input: { vehicleId, location } });
  }

  async reportTracking(apiKey: string, input: Parameters<Market<string>['reportTracking']>[1]): Promise<void> {
    await this.call(apiKey, OPERATIONS.trackingReport, { input });
  }

  /**
   * Uploads a proof-of-delivery image for a booking and returns the image's ID.
   * @throws ServiceError when the service refused it.
   */
  async uploadPod(apiKey: string, bookingId: string, image: Buffer = TINY_PNG): Promise<string> {
    this.requests++;
    const response = await fetch(`${this.baseUrl}${POD_IMAGES_PATH}/${bookingId}`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', authorization: `Bearer ${apiKey}` },
      body: image,
    });
    const body = (await response.json()) as { id?: string; errors?: { message: string; extensions?: { code?: string } }[] };
    if (!response.ok || !body.id) throw new ServiceError(body.errors?.[0]?.extensions?.code ?? `HTTP_${response.status}`, body.errors?.[0]?.message ?? 'upload failed');
    return body.id;
  }
}

/** The operations simulated actors send. */
export const OPERATIONS = {
  vehicleRegister: `mutation ($input: VehicleRegisterInput!) { vehicleRegister(input: $input) { vehicle { id } } }`,
  listingCreate: `mutation ($input: WarehouseListingCreateInput!) { warehouseListingCreate(input: $input) { listing { id } } }`,
  requestCreate: `mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }`,
  roundStart: `mutation ($input: MatchingRunStartInput!) { matchingRunStart(input: $input) { round { status report { requestsConsidered offersWritten } } } }`,
  pendingOffers: `query ($after: String) {
    offers(filter: { status: PENDING }, first: 100, after: $after) {
      edges { node { id kind routeId } }
      pageInfo { hasNextPage endCursor }
    }
  }`,
  offerAccept: `mutation ($input: OfferAcceptInput!) {
    offerAccept(input: $input) {
      bookings {
        id kind vehicleId listingId shipmentRequestId routeId pickupAt deliverAt
        shipment { origin { location { lat lng } } destination { location { lat lng } } }
        route { stops { action requestId location { lat lng } } }
      }
    }
  }`,
  offerDecline: `mutation ($input: OfferDeclineInput!) { offerDecline(input: $input) { offer { status } } }`,
  vehicleLocation: `mutation ($input: VehicleLocationUpdateInput!) { vehicleLocationUpdate(input: $input) { location { h3Cell } } }`,
  trackingReport: `mutation ($input: TrackingEventReportInput!) { trackingEventReport(input: $input) { booking { status } } }`,
  /** Reading requests marks those whose pickup window passed unbooked EXPIRED (the service expires on read). */
  requestBoard: `query ($complexCode: String!) { shipmentRequests(filter: { complexCode: $complexCode, status: [OPEN, OFFERED] }, first: 1) { totalCount } }`,
  complexInsights: `query ($complexCode: String!, $from: DateTime!, $to: DateTime!) {
    complexInsights(complexCode: $complexCode, from: $from, to: $to) {
      storage { idlePalletDays bookedPalletDays utilisationPct }
      requests { posted served expired cancelled waiting servedPct medianMinutesToBooking consolidated consolidationRatePct }
      transport {
        costKrw baselineCostKrw savingsPct deadheadKm loadedKm emptyKmSharePct
        baselineDeadheadKm baselineLoadedKm baselineEmptyKmSharePct co2Kg baselineCo2Kg co2SavingsPct
      }
      trips { trips requests requestsPerTrip stopsPerRoute loadFactorKgPeakPct loadFactorPalletsPeakPct loadFactorKgKmPct loadFactorPalletsKmPct }
      rounds { rounds assignmentCostKrw pooledCostKrw pooledVsAssignmentPct }
      days { day posted served costKrw baselineCostKrw deadheadKm loadedKm baselineDeadheadKm baselineLoadedKm co2Kg baselineCo2Kg }
    }
  }`,
} as const;

/** `complexInsights` as it arrives over the wire (the fields the simulation asks for are plain numbers and strings). */
export type InsightsData = Omit<ComplexInsights, 'complexCode' | 'from' | 'to'>;
