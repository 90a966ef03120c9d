import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';

const TSX_LOADER = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
const RACER = resolve('test/pg/helpers/racer.ts');

export interface Step {
  sql: string;
  params?: unknown[];
}

export type Outcome = { ok: true } | { ok: false; code?: string; message: string };

export interface RaceOptions {
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
  /** How long each contender keeps its transaction open after its statements. */
  holdMs?: number;
}

/**
 * Runs each transaction in a process of its own, all released at once: the parent holds an advisory lock until every
 * contender is connected and waiting on it. Returns the contenders' outcomes in the order given.
 */
export async function race(url: string, transactions: Step[][], options: RaceOptions = {}): Promise<Outcome[]> {
  const barrier = Math.floor(Math.random() * 2 ** 31);
  const gate = new pg.Client({ connectionString: url });
  await gate.connect();
  await gate.query('select pg_advisory_lock($1)', [barrier]);
  try {
    const results = transactions.map((steps) => {
      const child = spawn(process.execPath, ['--import', TSX_LOADER, RACER], {
        env: {
          ...process.env,
          RACER_URL: url,
          RACER_STEPS: JSON.stringify(steps),
          RACER_BARRIER: String(barrier),
          RACER_ISOLATION: options.isolation ?? 'read committed',
          RACER_HOLD_MS: String(options.holdMs ?? 200),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      return new Promise<Outcome>((done, fail) =>
        child.once('exit', (code) => (code === 0 ? done(JSON.parse(out) as Outcome) : fail(new Error(`racer exited with ${code}: ${err}`)))),
      );
    });
    await untilWaiting(gate, barrier, transactions.length);
    await gate.query('select pg_advisory_unlock($1)', [barrier]);
    return await Promise.all(results);
  } finally {
    await gate.end();
  }
}

/** Resolves once `count` sessions wait for the barrier lock. */
async function untilWaiting(gate: pg.Client, barrier: number, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { rows } = await gate.query<{ n: number }>(
      "select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted and objid::bigint = $1",
      [barrier],
    );
    if (rows[0]!.n >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${rows[0]!.n} of ${count} contenders reached the barrier`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The outcomes as counts: how many committed, and each refusal by message. */
export function tally(outcomes: Outcome[]): { committed: number; refused: Record<string, number> } {
  const refused: Record<string, number> = {};
  for (const o of outcomes) if (!o.ok) refused[o.message] = (refused[o.message] ?? 0) + 1;
  return { committed: outcomes.filter((o) => o.ok).length, refused };
}
