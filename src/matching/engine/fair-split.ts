/**
 * The fair split of a pooled route's cost among its shippers (README, "How a shared route is priced").
 *
 * Each shipper's weight is its stand-alone price: what its cheapest truck of its own would have cost in the same
 * round. The route's cost is shared in proportion to those weights, so every shipper saves the same percentage.
 * A share never exceeds the shipper's cap (its stand-alone price, and its maximum price net of storage): a capped
 * share is fixed at its cap and the rest is shared again among the others, in proportion, until nothing exceeds
 * its cap ("water filling"). Shares are then rounded down to the won; the route's price is the sum of the shares,
 * so the fractions dropped (less than one won per shipper) are the remainder rule, and identical requests always
 * pay the same. Deterministic: no order or tie-break enters the arithmetic.
 */

export interface SplitShare {
  /** Stand-alone price: the weight, and a cap. */
  weightKrw: number;
  /** Further cap (maximum price net of storage); Infinity when none. */
  capKrw: number;
}

/**
 * Returns integer shares of `costKrw`, one per entry of `shares`, or null when the caps cannot cover the cost
 * (the route is dearer than what its shippers would pay: it must not be offered as it is).
 * @throws Error when a weight is not a positive finite number.
 */
export function fairSplit(costKrw: number, shares: readonly SplitShare[]): number[] | null {
  if (shares.some((s) => !(s.weightKrw > 0) || !Number.isFinite(s.weightKrw))) throw new Error('fairSplit: weights must be positive and finite');
  const caps = shares.map((s) => Math.min(s.weightKrw, s.capKrw));
  if (costKrw > caps.reduce((a, b) => a + b, 0) + 1e-9) return null;
  const exact = new Array<number>(shares.length).fill(0);
  const open = new Set(shares.map((_, i) => i));
  let rest = costKrw;
  // Each pass fixes at least one share at its cap, or ends: at most n passes.
  while (open.size > 0) {
    const weight = [...open].reduce((sum, i) => sum + shares[i]!.weightKrw, 0);
    const over = [...open].filter((i) => (rest * shares[i]!.weightKrw) / weight > caps[i]!);
    if (over.length === 0) {
      for (const i of open) exact[i] = (rest * shares[i]!.weightKrw) / weight;
      break;
    }
    for (const i of over) {
      exact[i] = caps[i]!;
      rest -= caps[i]!;
      open.delete(i);
    }
  }
  return exact.map((x) => Math.floor(x + 1e-9));
}
