// What `npm start` runs, compiled: the service (src/main.ts), its matching thread (src/matching/round-worker.ts) and
// the demo seeding that runs before it on an empty database (scripts/demo/seed-on-empty.ts), bundled by esbuild into
// dist/ as entries sharing their chunks, with packages left as imports. Plain JavaScript, so that the production start
// needs neither tsx nor a type checker (`npm run typecheck` is the type check). The service's bundle holds nothing of
// the simulation or faker.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ENTRY = join(ROOT, 'dist', 'main.js');
export const SEED_ENTRY = join(ROOT, 'dist', 'seed-on-empty.js');
const SOURCE_DIRS = ['src', 'graph', 'db', 'scripts/demo', 'scripts/simulation'];
const ENTRY_FILES = ['main.js', 'round-worker.js', 'seed-on-empty.js'];
/** In dist/: the stamp of the sources it was built from (sourcesStamp). */
const STAMP = 'sources.stamp';

/**
 * What the bundle is built from, as one hash: every TypeScript and JSON file under SOURCE_DIRS (programme.json is
 * bundled) with its size and modification time. Any change moves it, whichever way the times go: a release
 * unpacked with its own times (tar, rsync -a, cp -p), a rollback to older sources, a file removed. Stats, not
 * contents, so a start reads no source.
 */
export function sourcesStamp(root = ROOT) {
  const lines = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
      } else if (/\.(ts|json)$/.test(entry.name)) {
        const { size, mtimeMs } = statSync(join(root, path));
        lines.push(`${path}\t${size}\t${mtimeMs}`);
      }
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) walk(dir);
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex');
}

/** Builds `outdir` (default dist/) afresh from the sources; only a stale start loads esbuild. */
export async function build(outdir = join(ROOT, 'dist')) {
  const esbuild = await import('esbuild');
  // Taken first: a source changed while esbuild reads them leaves a stamp that no longer matches, and the next start builds.
  const stamp = sourcesStamp();
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
  writeFileSync(join(outdir, STAMP), stamp);
}

/**
 * True when dist/ (under `root`) is missing or was built from other sources than those there now (sourcesStamp).
 * Not "older than a source": sources put back with older times (a rollback, a release unpacked with its own)
 * would have served the bundle of the code they replaced.
 */
export function isStale(root = ROOT) {
  const dist = join(root, 'dist');
  if (![...ENTRY_FILES, STAMP].every((file) => existsSync(join(dist, file)))) return true;
  return readFileSync(join(dist, STAMP), 'utf8') !== sourcesStamp(root);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await build();
