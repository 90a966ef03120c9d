/**
 * Exact sparse assignment: every row (request) gets at most one column (vehicle), serving as many rows as
 * possible first and minimising total cost second.
 *
 * Method: successive shortest augmenting paths with potentials (the Hungarian method in its Dijkstra form, as in
 * Jonker-Volgenant's augmentation phase), run on the sparse candidate graph. Each row also owns a private
 * "unserved" column of cost U, with U larger than any possible difference in total real cost (rows x max edge
 * cost + 1): so minimising cost + U x unserved is exactly "max served, then min cost". Costs are integers and
 * stay far below 2^53, so all arithmetic is exact.
 *
 * Invariants kept (and checked by tests against brute force): reduced costs c - u - v >= 0 on every edge, = 0
 * on matched edges, v = 0 on free columns and v <= 0 everywhere. Each Dijkstra stops at the first free column,
 * and only the columns it settled get their potentials moved, so a search touches a small neighbourhood.
 */

/** Candidate edges in compressed-row form. `cost` must hold non-negative integers. */
export interface SparseCosts {
  rows: number;
  cols: number;
  /** Edges of row r are rowStart[r] .. rowStart[r+1]-1. */
  rowStart: Int32Array;
  col: Int32Array;
  cost: Float64Array;
}

export interface AssignmentResult {
  /** Column of each row, or -1 when the row is left unserved. */
  rowToCol: Int32Array;
  servedCount: number;
  /** Sum of the chosen edges' costs (no penalties). */
  totalCost: number;
  /** Dual potentials: c_ij - rowPotential_i - colPotential_j >= 0 for every edge; colPotential <= 0. */
  rowPotential: Float64Array;
  colPotential: Float64Array;
}

/** Builds SparseCosts from per-row edge lists. */
export function toSparseCosts(cols: number, rowsEdges: ReadonlyArray<ReadonlyArray<{ col: number; cost: number }>>): SparseCosts {
  const rowStart = new Int32Array(rowsEdges.length + 1);
  rowsEdges.forEach((edges, r) => (rowStart[r + 1] = rowStart[r]! + edges.length));
  const total = rowStart[rowsEdges.length]!;
  const col = new Int32Array(total);
  const cost = new Float64Array(total);
  let k = 0;
  for (const edges of rowsEdges) {
    for (const e of edges) {
      col[k] = e.col;
      cost[k] = e.cost;
      k++;
    }
  }
  return { rows: rowsEdges.length, cols, rowStart, col, cost };
}

/**
 * Returns a maximum-cardinality, minimum-cost assignment of rows to columns over the given edges.
 * @throws Error when an edge has a negative or non-integer cost, or a column out of range.
 */
export function solveAssignment(g: SparseCosts): AssignmentResult {
  const { rows, cols, rowStart, col, cost } = g;
  let maxCost = 1;
  for (let e = 0; e < cost.length; e++) {
    const c = cost[e]!;
    if (!(c >= 0) || !Number.isInteger(c)) throw new Error(`edge cost must be a non-negative integer, got ${c}`);
    if (col[e]! < 0 || col[e]! >= cols) throw new Error(`edge column ${col[e]} out of range`);
    if (c > maxCost) maxCost = c;
  }
  const unservedCost = rows * maxCost + 1;
  if (unservedCost * (rows + 1) > Number.MAX_SAFE_INTEGER) throw new Error('costs too large for exact arithmetic');

  const allCols = cols + rows; // column cols + r is row r's private "unserved" column
  const u = new Float64Array(rows);
  const v = new Float64Array(allCols);
  const rowToCol = new Int32Array(rows).fill(-1);
  const colToRow = new Int32Array(allCols).fill(-1);

  // Greedy start: each row takes its cheapest column when free; u = row minimum keeps reduced costs >= 0.
  const pending: number[] = [];
  for (let r = 0; r < rows; r++) {
    let best = unservedCost;
    let bestCol = cols + r;
    for (let e = rowStart[r]!; e < rowStart[r + 1]!; e++) {
      if (cost[e]! < best) {
        best = cost[e]!;
        bestCol = col[e]!;
      }
    }
    u[r] = best;
    if (colToRow[bestCol] === -1) {
      colToRow[bestCol] = r;
      rowToCol[r] = bestCol;
    } else pending.push(r);
  }

  const dist = new Float64Array(allCols);
  const predRow = new Int32Array(allCols);
  const seenStamp = new Int32Array(allCols);
  const settledStamp = new Int32Array(allCols);
  const heap = new MinHeap();
  const settled: number[] = [];
  let stamp = 0;

  for (const source of pending) {
    stamp++;
    heap.clear();
    settled.length = 0;
    const relaxRow = (r: number, base: number): void => {
      const ur = u[r]!;
      for (let e = rowStart[r]!; e <= rowStart[r + 1]!; e++) {
        // The extra iteration relaxes the row's private unserved column.
        const j = e < rowStart[r + 1]! ? col[e]! : cols + r;
        if (settledStamp[j] === stamp) continue;
        const c = e < rowStart[r + 1]! ? cost[e]! : unservedCost;
        const d = base + c - ur - v[j]!;
        if (seenStamp[j] !== stamp || d < dist[j]!) {
          seenStamp[j] = stamp;
          dist[j] = d;
          predRow[j] = r;
          heap.push(d, j);
        }
      }
    };
    relaxRow(source, 0);
    let endCol = -1;
    let endDist = 0;
    while (heap.size > 0) {
      const d = heap.topKey();
      const j = heap.pop();
      if (settledStamp[j] === stamp || d !== dist[j]) continue;
      settledStamp[j] = stamp;
      const owner = colToRow[j]!;
      if (owner === -1) {
        endCol = j;
        endDist = d;
        break;
      }
      settled.push(j);
      relaxRow(owner, d);
    }
    if (endCol === -1) throw new Error('unreachable: every row has a free unserved column');
    // Move potentials of the settled part only: keeps reduced costs >= 0 and matched edges tight.
    for (const j of settled) {
      const delta = endDist - dist[j]!;
      v[j] = v[j]! - delta;
      const r = colToRow[j]!;
      u[r] = u[r]! + delta;
    }
    u[source] = u[source]! + endDist;
    // Flip the augmenting path.
    let j = endCol;
    for (;;) {
      const r = predRow[j]!;
      const previous = rowToCol[r]!;
      rowToCol[r] = j;
      colToRow[j] = r;
      if (r === source) break;
      j = previous;
    }
  }

  let servedCount = 0;
  let totalCost = 0;
  for (let r = 0; r < rows; r++) {
    const j = rowToCol[r]!;
    if (j >= cols) {
      rowToCol[r] = -1;
      continue;
    }
    servedCount++;
    let c = Infinity;
    for (let e = rowStart[r]!; e < rowStart[r + 1]!; e++) if (col[e] === j && cost[e]! < c) c = cost[e]!;
    totalCost += c;
  }
  return { rowToCol, servedCount, totalCost, rowPotential: u, colPotential: v.subarray(0, cols) };
}

/** Binary min-heap of (key, value) pairs with lazy deletion left to the caller. */
class MinHeap {
  private keys: number[] = [];
  private values: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  clear(): void {
    this.keys.length = 0;
    this.values.length = 0;
  }

  topKey(): number {
    return this.keys[0]!;
  }

  push(key: number, value: number): void {
    const keys = this.keys;
    const values = this.values;
    let i = keys.length;
    keys.push(key);
    values.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[i] = keys[parent]!;
      values[i] = values[parent]!;
      i = parent;
    }
    keys[i] = key;
    values[i] = value;
  }

  pop(): number {
    const keys = this.keys;
    const values = this.values;
    const top = values[0]!;
    const lastKey = keys.pop()!;
    const lastValue = values.pop()!;
    const n = keys.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && keys[child + 1]! < keys[child]!) child++;
        if (keys[child]! >= lastKey) break;
        keys[i] = keys[child]!;
        values[i] = values[child]!;
        i = child;
      }
      keys[i] = lastKey;
      values[i] = lastValue;
    }
    return top;
  }
}
