import type { OrganisationRole, WebhookEventType } from '../../db/schema';

/** Who may ask for each event type: the roles whose GraphQL subscription gives that event. */
export const EVENT_TYPE_ROLES: Record<WebhookEventType, readonly OrganisationRole[]> = {
  /** `offerReceived`: offers made to the caller's vehicles and listings. */
  'offer.received': ['CARRIER', 'WAREHOUSE_OWNER'],
  /** `offerWithdrawn`: the caller's pending offers, as they are withdrawn (a rival accepted, the request cancelled or back to the next round, the vehicle or listing off the exchange). */
  'offer.withdrawn': ['CARRIER', 'WAREHOUSE_OWNER'],
  /** `bookingEnded`: the caller's bookings that ended without it (the shipper cancelled or its pickup window passed; another leg of the request was declined, withdrawn, expired, lapsed or given back). */
  'booking.ended': ['CARRIER', 'WAREHOUSE_OWNER'],
  /** `shipmentUpdated`: bookings, tracking events and deliveries of the caller's shipments. */
  'shipment.updated': ['MANUFACTURER'],
  /** `complexActivity`: rounds, postings, bookings and supply of the operator's complex. */
  'complex.activity': ['OPERATOR'],
};

/** The GraphQL enum's name of an event type (`offer.received` is OFFER_RECEIVED): what a caller sent and reads. */
export const eventTypeName = (type: WebhookEventType) => type.toUpperCase().replace('.', '_');
