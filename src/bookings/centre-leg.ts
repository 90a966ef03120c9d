import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { routeStops, type CentreLeg } from '../../db/schema';
import type { LatLng } from '../geo/distance';

/**
 * Where a booking's goods change trucks: the centre, for a leg of a request through it (from its route's
 * hand-over stop), or null when the booking carries them all the way.
 */
export async function handOverOf(db: Db, booking: { routeId: number | null; requestId: number; centreLeg: CentreLeg | null }): Promise<LatLng | null> {
  if (booking.centreLeg === null || booking.routeId === null) return null;
  const stop = await db
    .select({ lat: routeStops.lat, lng: routeStops.lng })
    .from(routeStops)
    .where(and(eq(routeStops.routeId, booking.routeId), eq(routeStops.requestId, booking.requestId), eq(routeStops.action, booking.centreLeg === 'FEEDER' ? 'CENTRE_DROP' : 'CENTRE_PICKUP')))
    .get();
  return stop ?? null;
}
