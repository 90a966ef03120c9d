// The service compiled for `npm start`: src/main.ts and what it imports, bundled by esbuild into dist/, with
// packages left as imports. Plain JavaScript, so that the production start needs neither tsx nor a type checker
// (`npm run typecheck` is the type check). Code that only some starts need (the demo data and its faker) is
// loaded with import() and lands in a chunk of its own, read only when used.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ENTRY = join(ROOT, 'dist', 'main.js');
const SOURCE_DIRS = ['src', 'graph', 'db'];

/** Builds `outdir` (default dist/) afresh from the sources; only a stale start loads esbuild. */
export async function build(outdir = join(ROOT, 'dist')) {
  const esbuild = await import('esbuild');
  rmSync(outdir, { recursive: true, force: true }); // chunks have hashed names: old ones would pile up
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['src/main.ts'],
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
  if (!existsSync(ENTRY)) return true;
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
