/**
 * How simulated actors talk to the service: GraphQL over HTTP with their own API key, as any client would, and
 * the proof-of-delivery upload route.
 */
import { POD_IMAGES_PATH } from '../tracking/pod-routes';
import type { ComplexInsights } from '../insights/get-complex-insights';

/** A GraphQL error the service returned, with its code (e.g. CONFLICT when an offer was taken meanwhile). */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A 1x1 PNG: the smallest valid proof-of-delivery photo. */
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

export class ServiceClient {
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
  roundStart: `mutation ($input: MatchingRunStartInput!) { matchingRunStart(input: $input) { round { status report { offersWritten } } } }`,
  pendingOffers: `query ($after: String) {
    offers(filter: { status: PENDING }, first: 100, after: $after) {
      edges { node { id kind loadId } }
      pageInfo { hasNextPage endCursor }
    }
  }`,
  offerAccept: `mutation ($input: OfferAcceptInput!) {
    offerAccept(input: $input) {
      bookings {
        id kind vehicleId listingId shipmentRequestId pickupAt deliverAt
        shipment { origin { location { lat lng } } destination { location { lat lng } } }
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
      days { day posted served costKrw baselineCostKrw deadheadKm loadedKm baselineDeadheadKm baselineLoadedKm co2Kg baselineCo2Kg }
    }
  }`,
} as const;

export interface LatLngData {
  lat: number;
  lng: number;
}

export interface AcceptedBooking {
  id: string;
  kind: 'TRANSPORT' | 'STORAGE' | 'CONSOLIDATED';
  vehicleId: string | null;
  listingId: string | null;
  shipmentRequestId: string;
  pickupAt: string | null;
  deliverAt: string | null;
  shipment: { origin: { location: LatLngData }; destination: { location: LatLngData } };
}

/** `complexInsights` as it arrives over the wire (the fields the simulation asks for are plain numbers and strings). */
export type InsightsData = Omit<ComplexInsights, 'complexCode' | 'from' | 'to'>;
