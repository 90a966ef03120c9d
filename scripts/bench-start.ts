/**
 * npm run bench:start [-- --runs N]
 * Start-up of the service on a seeded database, two ways in the same run, alternating: from TypeScript through
 * tsx (`npm run dev` without watch, and `npm start` before it was compiled) and compiled (`npm start` now, dist/
 * already built). Reports milliseconds from spawn to the ready line and the process's resident memory then.
 */
import './own-database';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { checkFlags, numberFlag, parseFlags, WHOLE } from './cli';

const { runs } = checkFlags(
  z.object({ runs: numberFlag(WHOLE, (n) => n >= 1, 'must be a whole number from 1') }),
  parseFlags({ options: { runs: { type: 'string', default: '5' } } }).values,
);
const dir = mkdtempSync(join(tmpdir(), 'sandan-bench-start-'));
const env = { ...process.env, DATABASE_PATH: join(dir, 'sandan.db'), DEMO_KEYS_PATH: join(dir, 'keys.json'), PORT: '0', HOST: '127.0.0.1', MATCHING_INTERVAL_SECONDS: '0', NODE_ENV: 'production' };

const VARIANTS = {
  tsx: [resolve('node_modules/.bin/tsx'), '--import', './scripts/demo/seed-on-empty.ts', 'src/main.ts'],
  compiled: [process.execPath, 'scripts/start.mjs'],
} as const;

/** The resident memory of `pid` and its descendants (tsx runs the service in a child), MB. */
function rssMb(pid: number): number {
  const tree = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout.split('\n').map(Number).filter(Boolean);
  const kb = [pid, ...tree].reduce((sum, p) => {
    try {
      return sum + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      return sum;
    }
  }, 0);
  return kb / 1024;
}

async function startOnce(command: readonly string[]): Promise<{ ms: number; mb: number }> {
  const started = performance.now();
  const child = spawn(command[0]!, command.slice(1), { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const ms = await new Promise<number>((resolveReady, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('ready at')) resolveReady(performance.now() - started);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ready`)));
  });
  const mb = rssMb(child.pid!);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { ms, mb };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  await startOnce(VARIANTS.compiled); // seeds the empty database once; not measured
  const results: Record<keyof typeof VARIANTS, { ms: number[]; mb: number[] }> = { tsx: { ms: [], mb: [] }, compiled: { ms: [], mb: [] } };
  for (let i = 0; i < runs; i++) {
    for (const name of Object.keys(VARIANTS) as (keyof typeof VARIANTS)[]) {
      const { ms, mb } = await startOnce(VARIANTS[name]);
      results[name].ms.push(ms);
      results[name].mb.push(mb);
    }
  }
  console.log(`start-up on a seeded database, ${runs} runs each, alternating (median, min–max)`);
  for (const [name, r] of Object.entries(results)) {
    console.log(`${name.padEnd(9)} ${median(r.ms).toFixed(0).padStart(6)} ms (${Math.min(...r.ms).toFixed(0)}–${Math.max(...r.ms).toFixed(0)})   ${median(r.mb).toFixed(0).padStart(4)} MB RSS (${Math.min(...r.mb).toFixed(0)}–${Math.max(...r.mb).toFixed(0)})`);
  }
  const out = {
    bench: 'start',
    runs,
    tsxMs: Math.round(median(results.tsx.ms)),
    compiledMs: Math.round(median(results.compiled.ms)),
    tsxRssMb: Math.round(median(results.tsx.mb)),
    compiledRssMb: Math.round(median(results.compiled.mb)),
  };
  console.log(JSON.stringify(out));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
