import { describe, expect, it } from 'vitest';
import { haversineKm } from '../../../src/geo/distance';
import { CandidateIndex } from '../../../src/matching/engine/candidates';
import { seededRandom } from '../../../src/matching/engine/synthetic';

describe('CandidateIndex (H3 gridDisk + great-circle filter)', () => {
  it('finds exactly what a brute-force great-circle scan finds', () => {
    const rand = seededRandom(42);
    // Points over Korea's latitude band, denser around Banwol-Sihwa.
    const points = Array.from({ length: 3_000 }, () =>
      rand() < 0.7 ? { location: { lat: 37.325 + (rand() - 0.5) * 0.4, lng: 126.75 + (rand() - 0.5) * 0.5 } } : { location: { lat: 34.8 + rand() * 3.4, lng: 126.2 + rand() * 3.2 } },
    );
    const index = new CandidateIndex(points);
    for (let q = 0; q < 120; q++) {
      const center = rand() < 0.7 ? { lat: 37.325 + (rand() - 0.5) * 0.3, lng: 126.75 + (rand() - 0.5) * 0.3 } : { lat: 35 + rand() * 3, lng: 126.5 + rand() * 2.5 };
      const radiusKm = [0.3, 1, 2, 5, 10, 25, 60][q % 7]!;
      const got = index.within(center, radiusKm).map((h) => h.index).sort((a, b) => a - b);
      const want = points.map((p, i) => [i, haversineKm(center, p.location)] as const).filter(([, d]) => d <= radiusKm).map(([i]) => i);
      expect(got).toEqual(want);
    }
  });

  it('honours the accept filter and reports distances', () => {
    const index = new CandidateIndex([{ location: { lat: 37.3, lng: 126.7 } }, { location: { lat: 37.301, lng: 126.7 } }]);
    const hits = index.within({ lat: 37.3, lng: 126.7 }, 1, undefined, (i) => i === 1);
    expect(hits.map((h) => h.index)).toEqual([1]);
    expect(hits[0]!.greatCircleKm).toBeCloseTo(0.111, 2);
  });
});
