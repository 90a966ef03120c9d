import { gridDisk, latLngToCell } from 'h3-js';
import { haversineKm, type LatLng } from './distance';

/**
 * Coordinates this close are one place: one loading dock, one stop for a truck. Shippers at one building (a
 * 지식산업센터 holds dozens of firms at one dock) rarely send identical coordinates: geocoders, map pins and phone
 * GPS differ by 5–15 m. Two factories' docks in a complex usually lie further apart (a plot has 30 m of frontage or
 * more), so 25 m joins the first and keeps the second apart.
 */
export const SAME_PLACE_KM = 0.025;

/**
 * Places are bucketed by their H3 cell at res 10 (edge ~63 m in Korea, ~55 m at the least anywhere): a point's cell
 * and the ring around it hold every point within one edge of it, so within SAME_PLACE_KM, across any cell boundary.
 */
const BUCKET_RESOLUTION = 10;

/**
 * Coordinates gathered into places, in the order first seen: a point within SAME_PLACE_KM of a known place's
 * coordinate (the nearest, when several are) is that place; otherwise it starts a new one, which its coordinate
 * represents. A distance measured between places' coordinates is thus off by at most SAME_PLACE_KM at each end.
 * Each new coordinate costs one cell look-up and its ring (not a scan of the places); a coordinate seen before, a
 * map look-up.
 */
export class Places {
  private readonly coordinates: LatLng[] = [];
  private readonly inCell = new Map<string, number[]>();
  private readonly seen = new Map<string, number>();

  /** The place of `point` (0-based, in the order places were first seen). */
  of(point: LatLng): number {
    const key = `${point.lat},${point.lng}`;
    const known = this.seen.get(key);
    if (known !== undefined) return known;
    const cell = latLngToCell(point.lat, point.lng, BUCKET_RESOLUTION);
    let place = -1;
    let nearestKm = Infinity;
    for (const near of gridDisk(cell, 1))
      for (const p of this.inCell.get(near) ?? []) {
        const km = haversineKm(point, this.coordinates[p]!);
        if (km <= SAME_PLACE_KM && km < nearestKm) [place, nearestKm] = [p, km];
      }
    if (place === -1) {
      place = this.coordinates.push(point) - 1;
      this.inCell.set(cell, [...(this.inCell.get(cell) ?? []), place]);
    }
    this.seen.set(key, place);
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
}

const ofOwner = new WeakMap<object, Places>();

/** The places of `owner` (a round's context: its stops are told apart alike wherever they are counted). */
export function placesOf(owner: object): Places {
  let places = ofOwner.get(owner);
  if (!places) ofOwner.set(owner, (places = new Places()));
  return places;
}
