// Domain records behind the GraphQL types of bookings.graphql (picked up by scripts/codegen.ts).
import type { BookingRecord } from '../../src/bookings/booking-record';
import type { BookedShipmentRecord } from '../../src/bookings/booked-shipment';
import type { ShipmentUpdatedEvent } from '../../src/pubsub';
import type { Connection } from '../../src/pagination';
import type { PodImageRecord, ProofOfDeliveryRecord, TrackingEventRecord } from '../../src/tracking/tracking-event-record';

export type BookingMapper = BookingRecord;
export type BookingConnectionMapper = Connection<BookingRecord>;
export type BookedShipmentMapper = BookedShipmentRecord;
export type TrackingEventMapper = TrackingEventRecord;
export type ProofOfDeliveryMapper = ProofOfDeliveryRecord;
export type PodImageMapper = PodImageRecord;
export type ShipmentUpdateMapper = ShipmentUpdatedEvent;
