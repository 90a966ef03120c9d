/**
 * What simulated organisations can do in the service, whoever carries it: over GraphQL HTTP with an API key
 * (`npm run simulate`, client.ts) or in-process through the domain verbs as a viewer (the demo history,
 * in-process.ts). IDs are opaque strings either way.
 */
import type { CreateShipmentRequestInput } from '../../src/demand/request-input';
import type { LatLng } from '../../src/geo/distance';
import type { ListingSpec, VehicleSpec } from './population';

/** An error the service answered with, with its code (e.g. CONFLICT when an offer was taken meanwhile). */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface PendingOffer {
  id: string;
  /** Set for the shares of one consolidated load, which are answered as one. */
  routeId: string | null;
}

export interface AcceptedBooking {
  id: string;
  kind: 'TRANSPORT' | 'STORAGE';
  vehicleId: string | null;
  listingId: string | null;
  shipmentRequestId: string;
  /** The route the booking rides on (transport): an extension's shares ride on the booked route it extends. */
  routeId: string | null;
  pickupAt: Date | null;
  deliverAt: Date | null;
  origin: LatLng;
  destination: LatLng;
  /** A leg through the logistics centre (its feeder ends there, its trunk starts there), and where the centre is. */
  centreLeg: 'FEEDER' | 'TRUNK' | null;
  centre: LatLng | null;
}

export interface RoundOutcome {
  /** Open requests the round looked at. */
  requestsConsidered: number;
  offersWritten: number;
}

export interface TrackingReport {
  bookingId: string;
  kind: 'PICKED_UP' | 'AT_CENTRE' | 'DEPARTED_CENTRE' | 'DELIVERED';
  occurredAt: Date;
  position: LatLng;
  proofOfDelivery?: { receiverName: string; receivedAt: Date; imageId: string };
  idempotencyKey: string;
}

/**
 * The service as the actors use it, acting as `Who` (an API key, or a viewer).
 * Every method throws ServiceError when the service refuses.
 */
export interface Market<Who> {
  /** CARRIER: returns the vehicle's ID. */
  registerVehicle(who: Who, input: VehicleSpec & { availability: { startsAt: Date; endsAt: Date }[]; idempotencyKey: string }): Promise<string>;
  /** WAREHOUSE_OWNER: returns the listing's ID. */
  createListing(
    who: Who,
    input: Omit<ListingSpec, 'idlePallets'> & { availability: { from: string; to: string; idlePallets: number }[]; opensAt: string; closesAt: string; idempotencyKey: string },
  ): Promise<string>;
  /** MANUFACTURER. */
  postRequest(who: Who, input: CreateShipmentRequestInput): Promise<void>;
  /** OPERATOR: runs a round. */
  runRound(who: Who, complexCode: string): Promise<RoundOutcome>;
  /** CARRIER or WAREHOUSE_OWNER: its pending offers, all pages, newest first. */
  pendingOffers(who: Who): Promise<PendingOffer[]>;
  acceptOffer(who: Who, offerId: string, idempotencyKey: string): Promise<AcceptedBooking[]>;
  declineOffer(who: Who, offerId: string, reason: string): Promise<void>;
  /** CARRIER: reports where its vehicle is now. */
  moveVehicle(who: Who, vehicleId: string, location: LatLng): Promise<void>;
  /** CARRIER: uploads a proof-of-delivery photo; returns the image's ID. */
  uploadPod(who: Who, bookingId: string): Promise<string>;
  reportTracking(who: Who, input: TrackingReport): Promise<void>;
}

/** A 1x1 PNG: the smallest valid proof-of-delivery photo. */
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
