/**
 * Reads PDPTW benchmark files (Li & Lim and Sartori & Buriol formats, see ../shared/data/pdptw/README.md),
 * their best-known solutions, and writes solutions in the same layout as the bks files.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface PdptwNode {
  id: number;
  x: number;
  y: number;
  demand: number;
  earliest: number;
  latest: number;
  service: number;
  /** For a delivery: its pickup's id (0 otherwise). */
  pickup: number;
  /** For a pickup: its delivery's id (0 otherwise). */
  delivery: number;
}

export interface PdptwInstance {
  name: string;
  format: 'li-lim' | 'sartori-buriol';
  /** Vehicles available (Li & Lim's K); Sartori & Buriol state none. */
  fleet: number | null;
  capacity: number;
  nodes: PdptwNode[];
  /** Distance (Li & Lim: Euclidean, unrounded) or travel time (Sartori & Buriol: the matrix's minutes); also the travel time. */
  cost: (a: number, b: number) => number;
}

export interface BestKnown {
  vehicles: number;
  /** As named in the file name (rounded); the exact value is recomputed from the routes by the checker. */
  roundedCost: number;
  routes: number[][];
}

function node(fields: number[]): PdptwNode {
  const [id, x, y, demand, earliest, latest, service, pickup, delivery] = fields as [number, number, number, number, number, number, number, number, number];
  return { id, x, y, demand, earliest, latest, service, pickup, delivery };
}

export function readInstance(path: string): PdptwInstance {
  const text = readFileSync(path, 'utf8');
  const name = basename(path).replace(/\.txt$/, '');
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (/^NAME\s*:/.test(lines[0] ?? '')) {
    const header = new Map<string, string>();
    let k = 0;
    for (; k < lines.length && lines[k] !== 'NODES'; k++) {
      const m = /^([A-Z-]+)\s*:\s*(.*)$/.exec(lines[k]!);
      if (m) header.set(m[1]!, m[2]!);
    }
    const size = Number(header.get('SIZE'));
    const nodes = lines.slice(k + 1, k + 1 + size).map((l) => node(l.split(/\s+/).map(Number)));
    const edgesAt = lines.indexOf('EDGES');
    const matrix = new Float64Array(size * size);
    for (let i = 0; i < size; i++) lines[edgesAt + 1 + i]!.split(/\s+/).forEach((v, j) => (matrix[i * size + j] = Number(v)));
    return { name, format: 'sartori-buriol', fleet: null, capacity: Number(header.get('CAPACITY')), nodes, cost: (a, b) => matrix[a * size + b]! };
  }
  const [fleet, capacity] = lines[0]!.split(/\s+/).map(Number) as [number, number];
  const nodes = lines
    .slice(1)
    .filter((l) => l.length > 0)
    .map((l) => node(l.split(/\s+/).map(Number)));
  const size = nodes.length;
  const matrix = new Float64Array(size * size);
  for (const a of nodes) for (const b of nodes) matrix[a.id * size + b.id] = Math.hypot(a.x - b.x, a.y - b.y);
  return { name, format: 'li-lim', fleet, capacity, nodes, cost: (a, b) => matrix[a * size + b]! };
}

/** Instance files of a folder, sorted by name. */
export function listInstances(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt') && !f.startsWith('README'))
    .sort()
    .map((f) => join(dir, f));
}

/** Routes of a solution file (`Route k : id id …`, depot omitted). */
export function readRoutes(text: string): number[][] {
  return text
    .split(/\r?\n/)
    .filter((l) => /^Route\s+\d+\s*:/.test(l))
    .map((l) => l.split(':')[1]!.trim().split(/\s+/).filter(Boolean).map(Number));
}

/** The best-known solution `bks/<name>.<vehicles>_<cost>.txt`, if the folder has one. */
export function readBestKnown(dir: string, name: string): BestKnown | null {
  let files: string[];
  try {
    files = readdirSync(join(dir, 'bks'));
  } catch {
    return null;
  }
  const file = files.find((f) => f.startsWith(`${name}.`) && /^\d+_\d+(\.\d+)?\.txt$/.test(f.slice(name.length + 1)));
  if (!file) return null;
  const [vehicles, cost] = file.slice(name.length + 1, -4).split('_').map(Number) as [number, number];
  return { vehicles, roundedCost: cost, routes: readRoutes(readFileSync(join(dir, 'bks', file), 'utf8')) };
}

/** Writes a solution as `<out>/<name>.<vehicles>_<cost rounded>.txt`, in the bks files' layout. */
export function writeSolution(out: string, name: string, routes: number[][], cost: number, reference: string): string {
  const file = join(out, `${name}.${routes.length}_${Math.round(cost)}.txt`);
  const body = [
    `Instance name : ${name}`,
    'Authors       : Sandan Exchange routing core (ALNS)',
    `Date          : ${new Date().toISOString().slice(0, 10)}`,
    `Reference     : ${reference}`,
    'Solution',
    ...routes.map((r, k) => `Route ${k + 1} : ${r.join(' ')}`),
    '',
  ];
  writeFileSync(file, body.join('\n'));
  return file;
}
