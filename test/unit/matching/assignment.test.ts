import { describe, expect, it } from 'vitest';
import { solveAssignment, toSparseCosts } from '../../../src/matching/engine/assignment';
import { seededRandom } from '../../../src/matching/engine/synthetic';

type Rows = { col: number; cost: number }[][];

/** Exact (max served, min cost) by DP over subsets of used columns. */
function bruteForce(rows: Rows, cols: number): { served: number; cost: number } {
  const memo = new Map<number, [number, number]>();
  const best = (i: number, mask: number): [number, number] => {
    if (i === rows.length) return [0, 0];
    const key = i * (1 << cols) + mask;
    const hit = memo.get(key);
    if (hit) return hit;
    let b = best(i + 1, mask);
    for (const e of rows[i]!) {
      if (mask & (1 << e.col)) continue;
      const [s, c] = best(i + 1, mask | (1 << e.col));
      if (s + 1 > b[0] || (s + 1 === b[0] && c + e.cost < b[1])) b = [s + 1, c + e.cost];
    }
    memo.set(key, b);
    return b;
  };
  const [served, cost] = best(0, 0);
  return { served, cost };
}

describe('solveAssignment', () => {
  it('solves a hand-made instance: serving more beats cheaper', () => {
    // Row 0 alone would take column 0 (cost 1), but then row 1 (only column 0) is unserved.
    const rows: Rows = [[{ col: 0, cost: 1 }, { col: 1, cost: 100 }], [{ col: 0, cost: 50 }]];
    const r = solveAssignment(toSparseCosts(2, rows));
    expect(Array.from(r.rowToCol)).toEqual([1, 0]);
    expect(r.servedCount).toBe(2);
    expect(r.totalCost).toBe(150);
  });

  it('leaves rows without edges unserved', () => {
    const r = solveAssignment(toSparseCosts(1, [[], [{ col: 0, cost: 7 }]]));
    expect(Array.from(r.rowToCol)).toEqual([-1, 0]);
    expect(r.totalCost).toBe(7);
  });

  it('rejects negative or fractional costs', () => {
    expect(() => solveAssignment(toSparseCosts(1, [[{ col: 0, cost: -1 }]]))).toThrow();
    expect(() => solveAssignment(toSparseCosts(1, [[{ col: 0, cost: 1.5 }]]))).toThrow();
  });

  it('equals brute force on 1500 random instances up to 8 x 8 (served count and cost), with valid duals', () => {
    for (let seed = 1; seed <= 1500; seed++) {
      const rand = seededRandom(seed);
      const n = 1 + Math.floor(rand() * 8);
      const m = 1 + Math.floor(rand() * 8);
      const density = 0.2 + rand() * 0.7;
      const ties = rand() < 0.3;
      const rows: Rows = Array.from({ length: n }, () => {
        const edges: { col: number; cost: number }[] = [];
        for (let j = 0; j < m; j++) if (rand() < density) edges.push({ col: j, cost: Math.floor(rand() * (ties ? 4 : 100_000)) });
        return edges;
      });
      const g = toSparseCosts(m, rows);
      const got = solveAssignment(g);
      const want = bruteForce(rows, m);
      expect({ seed, served: got.servedCount, cost: got.totalCost }).toEqual({ seed, ...want });
      const used = Array.from(got.rowToCol).filter((j) => j >= 0);
      expect(new Set(used).size).toBe(used.length);
      for (let i = 0; i < n; i++) {
        for (let e = g.rowStart[i]!; e < g.rowStart[i + 1]!; e++) {
          expect(g.cost[e]! - got.rowPotential[i]! - got.colPotential[g.col[e]!]!).toBeGreaterThanOrEqual(0);
        }
      }
      for (let j = 0; j < m; j++) expect(got.colPotential[j]!).toBeLessThanOrEqual(0);
    }
  });
});
