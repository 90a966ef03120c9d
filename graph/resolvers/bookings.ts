import { acceptOffer } from '../../src/bookings/accept-offer';
import { acceptRoute } from '../../src/bookings/accept-route';
import { giveBackBooking } from '../../src/bookings/give-back-booking';
import { listBookings } from '../../src/bookings/list-bookings';
import { subscribeBookingsEnded } from '../../src/bookings/subscribe-bookings-ended';
import { subscribeOffersReceived, subscribeOffersWithdrawn } from '../../src/bookings/subscribe-offers';
import type { BookingEndedEvent, OfferReceivedEvent, OfferWithdrawnEvent, ShipmentUpdatedEvent } from '../../src/pubsub';
import { localIdOf, optionalLocalIdOf, toGlobalId } from '../../src/global-id';
import { getProofOfDelivery } from '../../src/tracking/list-tracking-events';
import { podImagePath } from '../../src/http/pod-images';
import { reportTrackingEvent } from '../../src/tracking/report-tracking-event';
import { subscribeShipmentUpdates } from '../../src/tracking/subscribe-shipment';
import { batched, handlingOfOffers, parties, plates, routesById, shipmentsOf, trackingEventsOf } from '../batched';
import type { Resolvers } from '../generated/resolvers-types';

export const bookingResolvers: Resolvers = {
  Query: {
    bookings: (_, { filter, first, after }, ctx) =>
      listBookings({
        ctx,
        input: {
          first,
          after,
          status: filter?.status,
          requestId: optionalLocalIdOf(filter?.shipmentRequestId, 'ShipmentRequest', 'filter.shipmentRequestId'),
          routeId: optionalLocalIdOf(filter?.routeId, 'Route', 'filter.routeId'),
          listingId: optionalLocalIdOf(filter?.listingId, 'WarehouseListing', 'filter.listingId'),
        },
      }),
  },
  Mutation: {
    offerAccept: (_, { input }, ctx) => acceptOffer({ ctx, input: { offerId: localIdOf(input.offerId, 'Offer', 'input.offerId'), idempotencyKey: input.idempotencyKey } }),
    routeAccept: (_, { input }, ctx) => acceptRoute({ ctx, input: { routeId: localIdOf(input.routeId, 'Route', 'input.routeId'), idempotencyKey: input.idempotencyKey } }),
    bookingGiveBack: async (_, { input }, ctx) => ({
      bookings: await giveBackBooking({ ctx, input: { ...input, bookingId: localIdOf(input.bookingId, 'Booking', 'input.bookingId') } }),
    }),
    trackingEventReport: async (_, { input }, ctx) => {
      const { proofOfDelivery: proof, ...rest } = input;
      const { event, booking } = await reportTrackingEvent({
        ctx,
        input: {
          ...rest,
          bookingId: localIdOf(input.bookingId, 'Booking', 'input.bookingId'),
          proofOfDelivery: proof && { ...proof, imageId: localIdOf(proof.imageId, 'PodImage', 'input.proofOfDelivery.imageId') },
        },
      });
      return { trackingEvent: event, booking };
    },
  },
  Subscription: {
    offerReceived: {
      subscribe: (_, __, ctx) => subscribeOffersReceived({ ctx, input: {} }),
      resolve: ({ offer }: OfferReceivedEvent) => offer,
    },
    offerWithdrawn: {
      subscribe: (_, __, ctx) => subscribeOffersWithdrawn({ ctx, input: {} }),
      resolve: ({ offer }: OfferWithdrawnEvent) => offer,
    },
    bookingEnded: {
      subscribe: (_, __, ctx) => subscribeBookingsEnded({ ctx, input: {} }),
      resolve: ({ booking }: BookingEndedEvent) => booking,
    },
    shipmentUpdated: {
      subscribe: (_, { shipmentRequestId }, ctx) =>
        subscribeShipmentUpdates({ ctx, input: { requestId: optionalLocalIdOf(shipmentRequestId, 'ShipmentRequest', 'shipmentRequestId') } }),
      resolve: (event: ShipmentUpdatedEvent) => event,
    },
  },
  Booking: {
    id: (b) => toGlobalId('Booking', b.id),
    offerId: (b) => toGlobalId('Offer', b.offerId),
    shipmentRequestId: (b) => toGlobalId('ShipmentRequest', b.requestId),
    shipment: (b, _, ctx) => batched(ctx, shipmentsOf, b),
    vehicleId: (b) => (b.vehicleId ? toGlobalId('Vehicle', b.vehicleId) : null),
    // A storage booking has no truck; DataLoader refuses a null key.
    vehiclePlate: (b, _, ctx) => (b.vehicleId ? batched(ctx, plates, b.vehicleId) : null),
    handlingKrw: (b, _, ctx) => batched(ctx, handlingOfOffers, b.offerId),
    shipper: (b, _, ctx) => batched(ctx, parties, b.shipperOrgId),
    supplier: (b, _, ctx) => batched(ctx, parties, b.supplierOrgId),
    listingId: (b) => (b.listingId ? toGlobalId('WarehouseListing', b.listingId) : null),
    routeId: (b) => (b.routeId ? toGlobalId('Route', b.routeId) : null),
    route: (b, _, ctx) => (b.routeId ? batched(ctx, routesById, b.routeId) : null),
    trackingEvents: (b, _, ctx) => batched(ctx, trackingEventsOf, b.id),
    proofOfDelivery: (b, _, ctx) => getProofOfDelivery({ ctx, input: { booking: b } }),
  },
  BookedShipment: {
    origin: (r) => ({ location: { lat: r.originLat, lng: r.originLng }, isCentre: r.originIsCentre, h3Cell: r.originH3R9 }),
    destination: (r) => ({ location: { lat: r.destinationLat, lng: r.destinationLng }, isCentre: r.destinationIsCentre, h3Cell: r.destinationH3R9 }),
    pickupWindow: (r) => ({ from: r.pickupFrom, until: r.pickupUntil }),
  },
  TrackingEvent: {
    position: (e) => ({ lat: e.lat, lng: e.lng }),
  },
  PodImage: {
    id: (i) => toGlobalId('PodImage', i.id),
    downloadPath: (i) => podImagePath(i),
  },
  ShipmentUpdate: {
    shipmentRequestId: (u) => toGlobalId('ShipmentRequest', u.requestId),
  },
};
