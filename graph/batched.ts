import DataLoader from 'dataloader';
import { bookedHandling } from '../src/bookings/booked-handling';
import { bookedShipments, type BookedShipmentRecord } from '../src/bookings/booked-shipment';
import type { BookingRecord } from '../src/bookings/booking-record';
import { bookingParties, vehiclePlates, type BookingParty } from '../src/bookings/booking-parties';
import type { Context } from '../src/context';
import { getRoutes } from '../src/matching/get-route';
import type { RouteView } from '../src/matching/route-view';
import { listTrackingEvents } from '../src/tracking/list-tracking-events';
import type { TrackingEventRecord } from '../src/tracking/tracking-event-record';

/** Reads the values of many keys at once, in the order asked; a key's Error fails only that key's field. */
export type Batch<K, V> = (ctx: Context, keys: readonly K[]) => Promise<readonly (V | Error)[]>;

const loaders = new WeakMap<Context, Map<Batch<never, unknown>, DataLoader<unknown, unknown>>>();

/**
 * The value of `key` read through `batch` together with every other key the same request asks of it in the same
 * tick: a page of 100 bookings reads its routes, parties and tracking events in one call each instead of one per
 * row. Per request (its context object), and without a cache: a subscription's context lasts as long as its socket,
 * and what was read for one event must not answer the next.
 */
export function batched<K, V>(ctx: Context, batch: Batch<K, V>, key: K): Promise<V> {
  let ofRequest = loaders.get(ctx);
  if (!ofRequest) loaders.set(ctx, (ofRequest = new Map()));
  let loader = ofRequest.get(batch as Batch<never, unknown>) as DataLoader<K, V> | undefined;
  if (!loader) {
    loader = new DataLoader<K, V>((keys) => batch(ctx, keys), { cache: false });
    ofRequest.set(batch as Batch<never, unknown>, loader as DataLoader<unknown, unknown>);
  }
  return loader.load(key);
}

/** The batches of the fields a page of rows asks one by one (bookings' and offers' routes, bookings' shipments and sides). */
export const routesById: Batch<number, RouteView> = (ctx, ids) => getRoutes({ ctx, input: { ids } });
export const parties: Batch<number, BookingParty> = (ctx, organisationIds) => bookingParties({ ctx, input: { organisationIds } });
export const plates: Batch<number, string | null> = (ctx, vehicleIds) => vehiclePlates({ ctx, input: { vehicleIds } });
export const shipmentsOf: Batch<BookingRecord, BookedShipmentRecord> = (ctx, bookings) => bookedShipments({ ctx, input: { bookings } });
export const handlingOfOffers: Batch<number, number> = (ctx, offerIds) => bookedHandling({ ctx, input: { offerIds } });
export const trackingEventsOf: Batch<number, TrackingEventRecord[]> = (ctx, bookingIds) => listTrackingEvents({ ctx, input: { bookingIds } });
