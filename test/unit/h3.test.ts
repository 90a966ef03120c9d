import { cellToLatLng, getHexagonEdgeLengthAvg, getResolution, latLngToCell, UNITS } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { haversineKm } from '../../src/geo/distance';
import { candidateCells, cellsOf, localEdgeKm, searchPlan, SERVICE_AREA_RESOLUTION, serviceAreaCells } from '../../src/geo/h3';
import { nearCells } from '../../src/geo/near';

const BANWOL = { lat: 37.325, lng: 126.75 };

/** Seeded LCG so failures repeat. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('haversineKm', () => {
  it('matches a known distance (Seoul City Hall to Busan City Hall ≈ 325 km)', () => {
    expect(haversineKm({ lat: 37.5663, lng: 126.9779 }, { lat: 35.1798, lng: 129.075 })).toBeCloseTo(325, -1);
  });
});

describe('localEdgeKm', () => {
  it('is smaller in Korea than the global average, by roughly a quarter', () => {
    const ratio = localEdgeKm(BANWOL, 7) / getHexagonEdgeLengthAvg(7, UNITS.km);
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(0.9);
  });
});

describe('cellsOf', () => {
  it('gives the point cell at res 9 and its parents', () => {
    const cells = cellsOf(BANWOL);
    expect(cells.r9).toBe(latLngToCell(BANWOL.lat, BANWOL.lng, 9));
    expect(getResolution(cells.r5)).toBe(5);
    expect(cells.r7).toBe(latLngToCell(BANWOL.lat, BANWOL.lng, 7));
  });
});

describe('searchPlan and candidateCells', () => {
  it('uses coarser cells for larger radii and keeps k small', () => {
    const plans = [1, 5, 10, 25, 60].map((r) => searchPlan(BANWOL, r));
    for (let i = 1; i < plans.length; i++) expect(plans[i]!.res).toBeLessThanOrEqual(plans[i - 1]!.res);
    for (const plan of plans.slice(0, 4)) expect(plan.k).toBeLessThanOrEqual(6);
  });

  it.each([0.5, 2, 5, 10, 25, 60])('holds the stored cell of every point within %s km (checked against a brute-force scan)', (radiusKm) => {
    const random = rng(radiusKm * 1000);
    const { res, cells } = candidateCells(BANWOL, radiusKm);
    const refined = nearCells({ ...BANWOL, radiusKm });
    const covered = new Set(cells);
    const coveredRefined = new Set(refined.cells);
    let inside = 0;
    for (let i = 0; i < 4000; i++) {
      // Points in a box twice the radius, so about a quarter fall outside the circle.
      const p = { lat: BANWOL.lat + (random() * 2 - 1) * (radiusKm / 111) * 1.2, lng: BANWOL.lng + (random() * 2 - 1) * (radiusKm / 88) * 1.2 };
      if (haversineKm(BANWOL, p) > radiusKm) continue;
      inside++;
      // Stored coarse cells are parents of the point's res-9 cell, which can lie outside latLngToCell's.
      const stored = cellsOf(p);
      expect(covered.has(stored[`r${res}`])).toBe(true);
      expect(coveredRefined.has(stored[`r${refined.res}`])).toBe(true);
    }
    expect(inside).toBeGreaterThan(1000);
    expect(refined.cells.length).toBeGreaterThan(0);
  });
});

describe('serviceAreaCells', () => {
  it('covers the whole complex disc at the documented resolution and stays compact', () => {
    const cells = serviceAreaCells(BANWOL, 5);
    expect(cells.every((c) => getResolution(c) === SERVICE_AREA_RESOLUTION)).toBe(true);
    expect(cells.length).toBeGreaterThan(10);
    expect(cells.length).toBeLessThan(150);
    const set = new Set(cells);
    const random = rng(7);
    for (let i = 0; i < 2000; i++) {
      const angle = random() * 2 * Math.PI;
      const dist = Math.sqrt(random()) * 5;
      const p = { lat: BANWOL.lat + (Math.sin(angle) * dist) / 111.2, lng: BANWOL.lng + (Math.cos(angle) * dist) / 88.4 };
      if (haversineKm(BANWOL, p) > 5) continue;
      expect(set.has(latLngToCell(p.lat, p.lng, SERVICE_AREA_RESOLUTION))).toBe(true);
    }
  });

  it('includes no cell far outside the radius', () => {
    const cells = serviceAreaCells(BANWOL, 2);
    for (const cell of cells) {
      const [lat, lng] = cellToLatLng(cell);
      expect(haversineKm(BANWOL, { lat, lng })).toBeLessThan(2 + 1.5);
    }
  });
});
