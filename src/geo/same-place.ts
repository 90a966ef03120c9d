import { haversineKm, type LatLng } from './distance';

/**
 * Coordinates this close are one place: one loading dock, one stop for a truck. Shippers at one building (a
 * 지식산업센터 holds dozens of firms at one dock) rarely send identical coordinates: geocoders, map pins and phone
 * GPS differ by 5–15 m. Two factories' docks in a complex usually lie further apart (a plot has 30 m of frontage or
 * more), so 25 m joins the first and keeps the second apart.
 */
export const SAME_PLACE_KM = 0.025;

/** Degrees of latitude in SAME_PLACE_KM (haversineKm's mean Earth radius): the height of a bucket's row. */
const ROW_DEGREES = (SAME_PLACE_KM / 6371.0088) * (180 / Math.PI);

/**
 * Coordinates gathered into places, in the order first seen: a point within SAME_PLACE_KM of a known place's
 * coordinate (the nearest, when several are) is that place; otherwise it starts a new one, which its coordinate
 * represents. A distance measured between places' coordinates is thus off by at most SAME_PLACE_KM at each end.
 *
 * Places are bucketed on a grid of SAME_PLACE_KM rows of latitude, each cut in columns at least SAME_PLACE_KM wide
 * wherever in it and its neighbour rows a point lies (1 % wider, for the haversine's curvature): every place within
 * SAME_PLACE_KM of a point lies in the 3 × 3 buckets around it, whatever bucket boundary lies between them. A new
 * coordinate costs those nine look-ups, not a scan of the places; one seen before, a map look-up. Points either side of
 * the 180th meridian are not joined.
 */
export class Places {
  private readonly coordinates: LatLng[] = [];
  private readonly inBucket = new Map<number, number[]>();
  private readonly seen = new Map<number, Map<number, number>>();
  private readonly byObject = new WeakMap<LatLng, number>();

  /** The place of `point` (0-based, in the order places were first seen). */
  of(point: LatLng): number {
    const same = this.byObject.get(point);
    if (same !== undefined) return same;
    let atLat = this.seen.get(point.lat);
    if (!atLat) this.seen.set(point.lat, (atLat = new Map()));
    let place = atLat.get(point.lng);
    if (place === undefined) {
      place = this.nearest(point);
      if (place === -1) {
        place = this.coordinates.push(point) - 1;
        const row = Math.floor(point.lat / ROW_DEGREES);
        const key = bucket(row, Math.floor(point.lng / columnDegrees(row)));
        this.inBucket.set(key, [...(this.inBucket.get(key) ?? []), place]);
      }
      atLat.set(point.lng, place);
    }
    this.byObject.set(point, place);
    return place;
  }

  /** The coordinate that represents `place`: the first seen of it. */
  at(place: number): LatLng {
    return this.coordinates[place]!;
  }

  /** How far `point` lies from the coordinate of its place, km (at most SAME_PLACE_KM). */
  offsetKm(point: LatLng): number {
    return haversineKm(point, this.at(this.of(point)));
  }

  /** The nearest known place within SAME_PLACE_KM of `point`, or -1. */
  private nearest(point: LatLng): number {
    let place = -1;
    let nearestKm = Infinity;
    const row = Math.floor(point.lat / ROW_DEGREES);
    for (let r = row - 1; r <= row + 1; r++) {
      const column = Math.floor(point.lng / columnDegrees(r));
      for (let c = column - 1; c <= column + 1; c++)
        for (const p of this.inBucket.get(bucket(r, c)) ?? []) {
          const km = haversineKm(point, this.coordinates[p]!);
          if (km <= SAME_PLACE_KM && km < nearestKm) [place, nearestKm] = [p, km];
        }
    }
    return place;
  }
}

/** Width in degrees of longitude of row `row`'s columns: SAME_PLACE_KM at the latitude furthest from the equator in it and its neighbours. */
function columnDegrees(row: number): number {
  const furthest = Math.min(89.9, Math.max(Math.abs((row - 1) * ROW_DEGREES), Math.abs((row + 2) * ROW_DEGREES)));
  return Math.min(360, (1.01 * ROW_DEGREES) / Math.cos((furthest * Math.PI) / 180));
}

/** One number per bucket: rows span ±400,000 and columns ±800,000 at most. */
const bucket = (row: number, column: number) => (row + 500_000) * 2_000_000 + (column + 1_000_000);

const ofOwner = new WeakMap<object, Places>();

/** The places of `owner` (a round's context: its stops are told apart alike wherever they are counted). */
export function placesOf(owner: object): Places {
  let places = ofOwner.get(owner);
  if (!places) ofOwner.set(owner, (places = new Places()));
  return places;
}

/**
 * The places a truck stops at along `points` in driving order, as the pricing counts them (경유지): a stop at the place
 * of the one before it (a second load at one dock) is no extra stop. `places`: the round's, when it has some.
 */
export function placesInTurn(points: readonly LatLng[], places = new Places()): number {
  return points.filter((point, k) => k === 0 || places.of(point) !== places.of(points[k - 1]!)).length;
}
