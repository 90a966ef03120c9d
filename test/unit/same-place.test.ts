import { describe, expect, it } from 'vitest';
import { haversineKm } from '../../src/geo/distance';
import { Places, placesOf, SAME_PLACE_KM } from '../../src/geo/same-place';

const DOCK = { lat: 37.325, lng: 126.75 };
/** Degrees of latitude in a metre (on the mean Earth radius haversineKm uses). */
const METRE = 180 / (Math.PI * 6_371_008.8);
const north = (metres: number, from = DOCK) => ({ lat: from.lat + metres * METRE, lng: from.lng });

describe('Places', () => {
  it('makes coordinates within SAME_PLACE_KM of a place that place, and those just beyond a place of their own', () => {
    const places = new Places();
    const dock = places.of(DOCK);
    const inside = north(SAME_PLACE_KM * 1000 - 0.5);
    const outside = north(SAME_PLACE_KM * 1000 + 0.5);
    expect(haversineKm(DOCK, inside)).toBeLessThan(SAME_PLACE_KM);
    expect(haversineKm(DOCK, outside)).toBeGreaterThan(SAME_PLACE_KM);
    expect(places.of(inside)).toBe(dock);
    expect(places.of(outside)).not.toBe(dock);
    expect(places.of({ ...DOCK })).toBe(dock);
  });

  it('joins two points a metre apart on either side of a bucket boundary', () => {
    // Buckets are rows SAME_PLACE_KM high from the equator: the points 0.5 m either side of the line above the dock.
    const row = SAME_PLACE_KM * 1000 * METRE;
    const line = Math.ceil(DOCK.lat / row) * row;
    const below = { lat: line - 0.5 * METRE, lng: DOCK.lng };
    const above = { lat: line + 0.5 * METRE, lng: DOCK.lng };
    expect(Math.floor(below.lat / row)).not.toBe(Math.floor(above.lat / row));
    const places = new Places();
    expect(places.of(above)).toBe(places.of(below));
    // And one 24.5 m from the first, two rows up.
    expect(places.of({ lat: below.lat + 24.5 * METRE, lng: DOCK.lng })).toBe(places.of(below));
  });

  it('finds every point within SAME_PLACE_KM of a place, whatever buckets they fall in (seeded, over Korea)', () => {
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    for (let i = 0; i < 2_000; i++) {
      const p = { lat: 33 + rand() * 5, lng: 124.5 + rand() * 7 };
      const metres = SAME_PLACE_KM * 1000 * (0.9 + 0.0999 * rand());
      const angle = rand() * 2 * Math.PI;
      const q = { lat: p.lat + metres * Math.cos(angle) * METRE, lng: p.lng + (metres * Math.sin(angle) * METRE) / Math.cos((p.lat * Math.PI) / 180) };
      expect(haversineKm(p, q)).toBeLessThan(SAME_PLACE_KM);
      const places = new Places();
      expect(places.of(q), `${JSON.stringify(p)} ${JSON.stringify(q)}`).toBe(places.of(p));
    }
  });

  it('keeps the first coordinate seen for a place, and gives a point between two places the nearer', () => {
    const places = new Places();
    const a = places.of(DOCK);
    const b = places.of(north(40));
    expect(places.at(places.of(north(3)))).toEqual(DOCK);
    expect(places.of(north(18))).toBe(a);
    expect(places.of(north(22))).toBe(b);
    expect(places.offsetKm(north(22))).toBeCloseTo(0.018, 6);
  });

  it('are one set per owner', () => {
    const round = {};
    expect(placesOf(round)).toBe(placesOf(round));
    expect(placesOf({})).not.toBe(placesOf(round));
  });
});
