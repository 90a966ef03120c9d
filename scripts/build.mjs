// What `npm start` runs, compiled: the service (src/main.ts), its matching thread (src/matching/round-worker.ts) and
// the demo seeding that runs before it on an empty database (scripts/demo/seed-on-empty.ts), bundled by esbuild into
// dist/ as entries sharing their chunks, with packages left as imports. Plain JavaScript, so that the production start
// needs neither tsx nor a type checker (`npm run typecheck` is the type check). The service's bundle holds nothing of
// the simulation or faker.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ENTRY = join(ROOT, 'dist', 'main.js');
export const SEED_ENTRY = join(ROOT, 'dist', 'seed-on-empty.js');
const WORKER_ENTRY = join(ROOT, 'dist', 'round-worker.js');
const SOURCE_DIRS = ['src', 'graph', 'db', 'scripts/demo', 'scripts/simulation'];

/** Builds `outdir` (default dist/) afresh from the sources; only a stale start loads esbuild. */
export async function build(outdir = join(ROOT, 'dist')) {
  const esbuild = await import('esbuild');
  rmSync(outdir, { recursive: true, force: true }); // chunks have hashed names: old ones would pile up
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'src/main.ts', 'round-worker': 'src/matching/round-worker.ts', 'seed-on-empty': 'scripts/demo/seed-on-empty.ts' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  await esbuild.stop(); // its service process would outlive the build
}

/** True when dist/ is missing or older than any TypeScript source it is built from. */
export function isStale() {
  if (![ENTRY, WORKER_ENTRY, SEED_ENTRY].every((entry) => existsSync(entry))) return true;
  const built = statSync(ENTRY).mtimeMs;
  const newer = (dir) =>
    readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name !== 'node_modules' && newer(path);
      return entry.name.endsWith('.ts') && statSync(path).mtimeMs > built;
    });
  return SOURCE_DIRS.some((dir) => newer(join(ROOT, dir)));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await build();
