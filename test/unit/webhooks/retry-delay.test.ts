import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../../src/webhooks/worker';

describe('webhook retry delays', () => {
  it('draw uniformly below min(cap, base x 2^(n-1)): exponential, capped, with full jitter', () => {
    const base = 30_000;
    const cap = 3_600_000;
    for (const [attempts, ceiling] of [[1, 30_000], [2, 60_000], [5, 480_000], [8, 3_600_000], [40, 3_600_000]] as const) {
      const draws = Array.from({ length: 2_000 }, () => retryDelayMs(attempts, base, cap));
      expect(Math.min(...draws), `attempt ${attempts}`).toBeGreaterThanOrEqual(0);
      expect(Math.max(...draws), `attempt ${attempts}`).toBeLessThan(ceiling);
      // Spread over the whole range, not bunched at one value (a receiver coming back is not hit all at once).
      expect(Math.max(...draws) - Math.min(...draws), `attempt ${attempts}`).toBeGreaterThan(ceiling * 0.9);
    }
  });
});
