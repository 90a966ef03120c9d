import { describe, expect, it } from 'vitest';
import { medianMinutes } from '../../src/insights/day-figures';
import { seededRandom } from '../../src/routing/random';

/** The median of all values, sorted together: what the runs' median must equal. */
function plainMedian(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const ms = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round((ms / 60_000) * 10) / 10;
}

describe('medianMinutes over ascending runs (a day each)', () => {
  it('equals the median of all the values together, for odd and even counts, empty runs, ties and fractions', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 200; trial++) {
      const runs = Array.from({ length: 1 + Math.floor(random() * 30) }, () =>
        Array.from({ length: Math.floor(random() * 12) }, () => (random() < 0.2 ? 60_000 : Math.floor(random() * 5 * 86_400_000) + (random() < 0.1 ? 0.5 : 0))).sort((a, b) => a - b),
      );
      expect(medianMinutes(runs), JSON.stringify(runs)).toBe(plainMedian(runs.flat()));
    }
  });

  it('is null with no values', () => {
    expect(medianMinutes([[], []])).toBeNull();
  });
});
