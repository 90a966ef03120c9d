/**
 * The fair split of a route's price (src/matching/engine/fair-split.ts), as properties over random routes and
 * with README's worked example.
 */
import { describe, expect, it } from 'vitest';
import { fairSplit, type SplitShare } from '../../../src/matching/engine/index';
import { seededRandom } from '../../../src/routing/random';

describe('fair split', () => {
  it('works README’s example', () => {
    expect(fairSplit(185_120, [{ weightKrw: 110_000, capKrw: Infinity }, { weightKrw: 130_000, capKrw: Infinity }])).toEqual([84_846, 100_273]);
    expect(fairSplit(185_120, [{ weightKrw: 110_000, capKrw: 80_000 }, { weightKrw: 130_000, capKrw: Infinity }])).toEqual([80_000, 105_120]);
  });

  it('refuses a route its shippers’ caps cannot cover', () => {
    expect(fairSplit(250_000, [{ weightKrw: 110_000, capKrw: Infinity }, { weightKrw: 130_000, capKrw: Infinity }])).toBeNull();
    expect(fairSplit(200_000, [{ weightKrw: 110_000, capKrw: 60_000 }, { weightKrw: 130_000, capKrw: Infinity }])).toBeNull();
  });

  it('sums to the price less under a won per share, caps every share, pays identical requests the same, and is deterministic', () => {
    const rand = seededRandom(7);
    let capped = 0;
    for (let trial = 0; trial < 2_000; trial++) {
      const n = 1 + Math.floor(rand() * 6);
      const shares: SplitShare[] = Array.from({ length: n }, () => ({
        weightKrw: 20_000 + Math.floor(rand() * 300_000),
        capKrw: rand() < 0.3 ? 10_000 + Math.floor(rand() * 300_000) : Infinity,
      }));
      if (n > 1 && rand() < 0.3) shares[1] = { ...shares[0]! };
      const caps = shares.reduce((sum, s) => sum + Math.min(s.weightKrw, s.capKrw), 0);
      const price = Math.floor(caps * (0.3 + rand() * 0.9));
      const split = fairSplit(price, shares);
      if (price > caps) {
        expect(split).toBeNull();
        continue;
      }
      expect(split).not.toBeNull();
      const total = split!.reduce((a, b) => a + b, 0);
      expect(total).toBeLessThanOrEqual(price);
      expect(total).toBeGreaterThan(price - n);
      split!.forEach((part, i) => {
        expect(Number.isInteger(part)).toBe(true);
        expect(part).toBeLessThanOrEqual(Math.min(shares[i]!.weightKrw, shares[i]!.capKrw));
        if (part === shares[i]!.capKrw) capped++;
      });
      if (n > 1 && shares[1]!.weightKrw === shares[0]!.weightKrw && shares[1]!.capKrw === shares[0]!.capKrw) expect(split![1]).toBe(split![0]);
      // Uncapped shares are in proportion to their stand-alone prices.
      const free = split!.map((part, i) => ({ part, i })).filter(({ part, i }) => part < Math.min(shares[i]!.weightKrw, shares[i]!.capKrw) - 1);
      for (const a of free) for (const b of free) expect(Math.abs(a.part / shares[a.i]!.weightKrw - b.part / shares[b.i]!.weightKrw)).toBeLessThan(1e-4);
      expect(fairSplit(price, shares)).toEqual(split);
    }
    expect(capped).toBeGreaterThan(10);
  });
});
