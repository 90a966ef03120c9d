/**
 * PDPTW literature benchmark:
 * `npm run bench:pdptw -- [--set DIR] [--seconds S] [--out DIR] [--only NAME,…] [--seed N] [--clock wall|cpu]`.
 *
 * Solves every instance of a folder in the Li & Lim or Sartori & Buriol format with the routing core
 * (src/routing): identical vehicles from the depot, fewest vehicles then least distance (Li & Lim) or travel time
 * (Sartori & Buriol), S seconds each (default 10). Each solution is checked by an independent checker that
 * recomputes it from the file (scripts/pdptw/check.ts), compared with the best-known solution in `bks/`, and
 * written in the bks layout to --out (default a new temp folder). Prints per class and overall; the last line is JSON.
 */
import { existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { solve, type RoutingProblem } from '../src/routing/index';
import { checkFlags, DECIMAL, fail, numberFlag, parseFlags, WHOLE } from './cli';
import { checkSolution } from './pdptw/check';
import { listInstances, readBestKnown, readInstance, writeSolution, type PdptwInstance } from './pdptw/files';

// A bad command line is one line and exit code 2 before any instance is solved, as for every script (cli.ts).
const values = checkFlags(
  z.object({
    set: z.string().refine((dir) => existsSync(dir) && statSync(dir).isDirectory(), 'must be a folder of instances, e.g. ../shared/data/pdptw/li-lim-100'),
    seconds: numberFlag(DECIMAL, (n) => n > 0, 'must be a number of seconds above 0'),
    out: z.string().min(1, 'must be a folder path').optional(),
    only: z.string().optional(),
    seed: numberFlag(WHOLE, Number.isSafeInteger, 'must be a whole number'),
    clock: z.enum(['wall', 'cpu'], 'must be wall or cpu'),
  }),
  parseFlags({
    options: {
      set: { type: 'string', default: '../shared/data/pdptw/li-lim-100' },
      seconds: { type: 'string', default: '10' },
      out: { type: 'string' },
      only: { type: 'string' },
      seed: { type: 'string', default: '1' },
      clock: { type: 'string', default: 'wall' },
    },
  }).values,
);
const setDir = resolve(values.set);
const seconds = values.seconds;
/** Wall time by default; `cpu` counts this process's CPU time, for a fair budget on a machine shared with other work. */
const now =
  values.clock === 'cpu'
    ? () => {
        const used = process.cpuUsage();
        return (used.user + used.system) / 1000;
      }
    : () => performance.now();
const only = values.only ? new Set(values.only.split(',')) : null;
// A misspelt name would otherwise solve nothing and report 0 instances as a result.
const names = new Set(listInstances(setDir).map((f) => basename(f, '.txt')));
const unknown = [...(only ?? [])].filter((name) => !names.has(name));
if (unknown.length > 0) fail(`--only: no instance ${unknown.join(', ')} in ${setDir}`);
const outDir = values.out ? resolve(values.out) : mkdtempSync(join(tmpdir(), 'bench-pdptw-'));
mkdirSync(outDir, { recursive: true });

/**
 * Identical vehicles at the depot. A fixed cost larger than any route set's distance makes the scalar objective
 * lexicographic (vehicles first); an unserved penalty larger still makes serving everything come before both.
 */
function toProblem(instance: PdptwInstance): { problem: RoutingProblem; pickups: number[] } {
  const { nodes } = instance;
  const size = nodes.length;
  const depot = nodes[0]!;
  const pickups = nodes.filter((n) => n.delivery > 0).map((n) => n.id);
  let longest = 0;
  for (let a = 0; a < size; a++) for (let b = 0; b < size; b++) longest = Math.max(longest, instance.cost(a, b));
  const fixedCost = 10 * size * longest;
  const stop = (id: number) => ({ location: id, earliest: nodes[id]!.earliest, latest: nodes[id]!.latest, service: nodes[id]!.service });
  const problem: RoutingProblem = {
    locations: size,
    distance: instance.cost,
    requests: pickups.map((p) => ({ pickup: stop(p), delivery: stop(nodes[p]!.delivery), demand: [nodes[p]!.demand], unservedPenalty: 1_000 * fixedCost })),
    vehicles: Array.from({ length: instance.fleet ?? pickups.length }, () => ({
      start: 0,
      end: 0,
      capacity: [instance.capacity],
      earliest: depot.earliest,
      latest: depot.latest,
      fixedCost,
      costPerDistance: 1,
    })),
  };
  return { problem, pickups };
}

interface Row {
  name: string;
  cls: string;
  feasible: boolean;
  vehicles: number;
  cost: number;
  bestVehicles: number | null;
  bestCost: number | null;
  gapPct: number | null;
  iterations: number;
  restarts: number;
}

const classOf = (name: string, format: PdptwInstance['format']) => (format === 'li-lim' ? name.replace(/\d\d$/, '') : name.replace(/-.*$/, ''));
const pct = (x: number) => `${x.toFixed(2)}%`;

const rows: Row[] = [];
const files = listInstances(setDir).filter((f) => !only || only.has(basename(f, '.txt')));
console.log(`bench:pdptw ${setDir}: ${files.length} instances, ${seconds} s each, solutions to ${outDir}`);
console.log('instance   ok  veh best   cost        best        gap     iterations restarts');
for (const file of files) {
  const instance = readInstance(file);
  const { problem, pickups } = toProblem(instance);
  const result = solve(problem, { seed: values.seed, deadline: now() + seconds * 1000, now });
  const routes = result.plan.routes.map((route) => route.stops.map((s) => (s.action === 'pickup' ? pickups[s.request]! : instance.nodes[pickups[s.request]!]!.delivery)));
  const check = checkSolution(instance, routes);
  const bks = readBestKnown(setDir, instance.name);
  const bestCost = bks ? checkSolution(instance, bks.routes).cost : null;
  const rawGap = bks && bestCost !== null && bks.vehicles === check.vehicles ? (100 * (check.cost - bestCost)) / bestCost : null;
  // Float noise between two sums of the same routes is not a gap.
  const gapPct = rawGap !== null && Math.abs(rawGap) < 1e-9 ? 0 : rawGap;
  writeSolution(outDir, instance.name, routes, check.cost, `bench:pdptw, ${seconds} s, seed ${values.seed}`);
  const row: Row = { name: instance.name, cls: classOf(instance.name, instance.format), feasible: check.feasible, vehicles: check.vehicles, cost: check.cost, bestVehicles: bks?.vehicles ?? null, bestCost, gapPct, iterations: result.iterations, restarts: result.restarts };
  rows.push(row);
  if (!check.feasible) console.log(`  ${instance.name} INFEASIBLE: ${check.errors.slice(0, 3).join('; ')}`);
  console.log(
    `${row.name.padEnd(10)} ${row.feasible ? 'yes' : 'NO '} ${String(row.vehicles).padStart(3)} ${String(row.bestVehicles ?? '-').padStart(4)}   ${row.cost.toFixed(2).padStart(10)}  ${(bestCost?.toFixed(2) ?? '-').padStart(10)}  ${(gapPct === null ? '-' : pct(gapPct)).padStart(7)}  ${String(row.iterations).padStart(10)} ${String(row.restarts).padStart(8)}`,
  );
}

function summary(list: Row[]) {
  const gaps = list.filter((r) => r.gapPct !== null).map((r) => r.gapPct!);
  return {
    instances: list.length,
    feasible: list.filter((r) => r.feasible).length,
    atBestVehicles: list.filter((r) => r.bestVehicles !== null && r.vehicles <= r.bestVehicles).length,
    vehiclesAboveBest: list.filter((r) => r.bestVehicles !== null && r.vehicles > r.bestVehicles).length,
    maxVehiclesAbove: Math.max(0, ...list.map((r) => (r.bestVehicles === null ? 0 : r.vehicles - r.bestVehicles))),
    avgGapPct: gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : 0,
    maxGapPct: gaps.length ? Math.max(...gaps) : 0,
  };
}

console.log('\nclass   instances feasible at-best-vehicles above-best avg-gap  worst-gap (gaps over instances at the best-known vehicle count)');
const classes = [...new Set(rows.map((r) => r.cls))];
for (const cls of [...classes, 'overall']) {
  const s = summary(cls === 'overall' ? rows : rows.filter((r) => r.cls === cls));
  console.log(
    `${cls.padEnd(8)} ${String(s.instances).padStart(8)} ${String(s.feasible).padStart(8)} ${String(s.atBestVehicles).padStart(16)} ${String(s.vehiclesAboveBest).padStart(11)} ${pct(s.avgGapPct).padStart(8)} ${pct(s.maxGapPct).padStart(10)}`,
  );
}
const all = summary(rows);
console.log(
  JSON.stringify({
    bench: 'pdptw',
    set: basename(setDir),
    instances: all.instances,
    feasible: all.feasible,
    vehiclesAboveBest: all.vehiclesAboveBest,
    avgGapPct: Number(all.avgGapPct.toFixed(3)),
    maxGapPct: Number(all.maxGapPct.toFixed(3)),
    secondsPerInstance: seconds,
    clock: values.clock,
  }),
);
