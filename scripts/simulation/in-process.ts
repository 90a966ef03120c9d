/**
 * The Market in-process: each action is the domain verb the GraphQL resolver would call, with the same
 * `{ ctx, input }`, validation, authorisation and transactions, as the acting organisation's viewer, on the
 * context's clock. No HTTP or GraphQL in between, so a history plays in seconds (the demo market at start-up).
 */
import { acceptOffer } from '../../src/bookings/accept-offer';
import { bookedShipment } from '../../src/bookings/booked-shipment';
import { handOverOf } from '../../src/bookings/centre-leg';
import type { Viewer } from '../../src/context';
import type { Context } from '../../src/context';
import { createShipmentRequest } from '../../src/demand/create-shipment-request';
import { DomainError } from '../../src/errors';
import { declineOffer } from '../../src/matching/decline-offer';
import { listOffers } from '../../src/matching/list-offers';
import { runMatchingRound } from '../../src/matching/run-round';
import { createListing } from '../../src/supply/listings/create-listing';
import { registerVehicle } from '../../src/supply/vehicles/register-vehicle';
import { updateVehicleLocation } from '../../src/supply/vehicles/update-vehicle-location';
import { reportTrackingEvent } from '../../src/tracking/report-tracking-event';
import { storePodImage } from '../../src/tracking/store-pod-image';
import { ServiceError, TINY_PNG, type AcceptedBooking, type Market, type PendingOffer, type RoundOutcome } from './market';

/** Offers per page, as the HTTP client asks for them. */
const PAGE = 100;

export class DomainMarket implements Market<Viewer> {
  constructor(private readonly ctx: Omit<Context, 'viewer'>) {}

  registerVehicle(viewer: Viewer, input: Parameters<Market<Viewer>['registerVehicle']>[1]) {
    return this.as(viewer, async (ctx) => String((await registerVehicle({ ctx, input })).id));
  }

  createListing(viewer: Viewer, input: Parameters<Market<Viewer>['createListing']>[1]) {
    return this.as(viewer, async (ctx) => String((await createListing({ ctx, input })).id));
  }

  postRequest(viewer: Viewer, input: Parameters<Market<Viewer>['postRequest']>[1]) {
    return this.as(viewer, async (ctx) => void (await createShipmentRequest({ ctx, input })));
  }

  runRound(viewer: Viewer, complexCode: string) {
    return this.as(viewer, async (ctx): Promise<RoundOutcome> => (await runMatchingRound({ ctx, input: { complexCode } })).report ?? { requestsConsidered: 0, offersWritten: 0 });
  }

  pendingOffers(viewer: Viewer) {
    return this.as(viewer, async (ctx) => {
      const pending: PendingOffer[] = [];
      let after: string | null = null;
      do {
        const page = await listOffers({ ctx, input: { status: 'PENDING', first: PAGE, after } });
        pending.push(...page.edges.map(({ node }) => ({ id: String(node.id), routeId: node.routeId === null ? null : String(node.routeId) })));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      return pending;
    });
  }

  acceptOffer(viewer: Viewer, offerId: string, idempotencyKey: string) {
    return this.as(viewer, async (ctx): Promise<AcceptedBooking[]> => {
      const { bookings } = await acceptOffer({ ctx, input: { offerId: Number(offerId), idempotencyKey } });
      const accepted: AcceptedBooking[] = [];
      for (const booking of bookings) {
        const shipment = await bookedShipment({ ctx, input: { booking } });
        accepted.push({
          id: String(booking.id),
          kind: booking.kind,
          vehicleId: booking.vehicleId === null ? null : String(booking.vehicleId),
          listingId: booking.listingId === null ? null : String(booking.listingId),
          shipmentRequestId: String(booking.requestId),
          routeId: booking.routeId === null ? null : String(booking.routeId),
          pickupAt: booking.pickupAt,
          deliverAt: booking.deliverAt,
          origin: { lat: shipment.originLat, lng: shipment.originLng },
          destination: { lat: shipment.destinationLat, lng: shipment.destinationLng },
          centreLeg: booking.centreLeg,
          centre: await handOverOf(ctx.db, booking),
        });
      }
      return accepted;
    });
  }

  declineOffer(viewer: Viewer, offerId: string, reason: string) {
    return this.as(viewer, async (ctx) => void (await declineOffer({ ctx, input: { offerId: Number(offerId), reason } })));
  }

  moveVehicle(viewer: Viewer, vehicleId: string, location: { lat: number; lng: number }) {
    return this.as(viewer, async (ctx) => void (await updateVehicleLocation({ ctx, input: { vehicleId: Number(vehicleId), location } })));
  }

  uploadPod(viewer: Viewer, bookingId: string) {
    return this.as(viewer, async (ctx) => String((await storePodImage({ ctx, input: { bookingId: Number(bookingId), bytes: TINY_PNG } })).id));
  }

  reportTracking(viewer: Viewer, { proofOfDelivery: proof, ...input }: Parameters<Market<Viewer>['reportTracking']>[1]) {
    return this.as(viewer, async (ctx) => {
      await reportTrackingEvent({
        ctx,
        input: { ...input, bookingId: Number(input.bookingId), proofOfDelivery: proof && { ...proof, imageId: Number(proof.imageId) } },
      });
    });
  }

  /** Runs `work` as `viewer`; a domain error becomes the ServiceError an HTTP client would have seen. */
  private async as<T>(viewer: Viewer, work: (ctx: Context) => T | Promise<T>): Promise<T> {
    try {
      return await work({ ...this.ctx, viewer });
    } catch (error) {
      if (error instanceof DomainError) throw new ServiceError(error.code, error.message);
      throw error;
    }
  }
}
