/**
 * One contender of a race (race.ts): its own process and its own connection. Waits at the barrier (a shared advisory
 * lock the parent holds), then runs its statements in one transaction, holds it open `RACER_HOLD_MS` so that the
 * contenders' transactions overlap, commits, and prints its outcome as one JSON line.
 */
import pg from 'pg';

interface Step {
  sql: string;
  params?: unknown[];
}

const url = process.env.RACER_URL!;
const steps = JSON.parse(process.env.RACER_STEPS!) as Step[];
const isolation = process.env.RACER_ISOLATION ?? 'read committed';
const holdMs = Number(process.env.RACER_HOLD_MS ?? 200);
const barrier = Number(process.env.RACER_BARRIER);

const client = new pg.Client({ connectionString: url });
await client.connect();
await client.query('select pg_advisory_lock_shared($1)', [barrier]);
await client.query('select pg_advisory_unlock_shared($1)', [barrier]);
let outcome: { ok: true } | { ok: false; code?: string; message: string };
try {
  await client.query(`begin isolation level ${isolation}`);
  for (const step of steps) await client.query(step.sql, step.params);
  await client.query('select pg_sleep($1)', [holdMs / 1000]);
  await client.query('commit');
  outcome = { ok: true };
} catch (error) {
  const { code, message } = error as { code?: string; message: string };
  await client.query('rollback').catch(() => {});
  outcome = { ok: false, code, message };
}
await client.end();
process.stdout.write(`${JSON.stringify(outcome)}\n`);
