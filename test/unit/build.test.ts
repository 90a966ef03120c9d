import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript build script, without types
import { build, isStale, sourcesStamp } from '../../scripts/build.mjs';
import { tempDir } from '../helpers/server';

/** The packages a module and the chunks it imports statically load when it starts, by following its imports. */
function staticPackages(dir: string, file: string, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>();
  if (seen.has(file)) return packages;
  seen.add(file);
  const code = readFileSync(join(dir, file), 'utf8');
  for (const [, spec] of code.matchAll(/^\s*(?:import|export)\s[^'"]*?(?:from\s*)?["']([^"']+)["']/gm)) {
    if (spec!.startsWith('./')) for (const p of staticPackages(dir, spec!.slice(2), seen)) packages.add(p);
    else packages.add(spec!);
  }
  return packages;
}

describe('the compiled start', () => {
  it('the service and its matching thread load neither tsx nor faker nor the demo seeding, which is an entry of its own run before it and loads them only for an empty database', { timeout: 60_000 }, async () => {
    const out = tempDir();
    try {
      await build(out.dir);
      const service = staticPackages(out.dir, 'main.js');
      expect(service).toContain('better-sqlite3');
      expect(service).toContain('@apollo/server');
      expect([...service].filter((p) => /faker|tsx|esbuild/.test(p))).toEqual([]);
      expect(readFileSync(join(out.dir, 'main.js'), 'utf8')).not.toMatch(/seed-demo|seed-on-empty|simulation|import\(/);
      // The matching thread is an entry of its own, loaded by the service's chunks from beside them.
      expect([...staticPackages(out.dir, 'round-worker.js')].filter((p) => /faker|tsx|esbuild|better-sqlite3|pg/.test(p))).toEqual([]);
      // The seeding step loads the simulation and faker only for an empty database.
      expect([...staticPackages(out.dir, 'seed-on-empty.js')].filter((p) => /faker/.test(p))).toEqual([]);
      expect(readFileSync(join(out.dir, 'seed-on-empty.js'), 'utf8')).toMatch(/import\("\.\/seed-demo-[A-Z0-9]+\.js"\)/);
    } finally {
      out.remove();
    }
  });
});

describe("npm start's rebuild", () => {
  it('builds again when the sources differ from those dist/ was built from, older ones put back included', () => {
    const root = tempDir();
    try {
      const source = join(root.dir, 'src', 'main.ts');
      mkdirSync(join(root.dir, 'src'));
      mkdirSync(join(root.dir, 'dist'));
      writeFileSync(source, 'export const version = 2;\n');
      for (const file of ['main.js', 'round-worker.js', 'seed-on-empty.js']) writeFileSync(join(root.dir, 'dist', file), '');
      // No stamp: a dist/ of unknown sources is built again.
      expect(isStale(root.dir)).toBe(true);
      writeFileSync(join(root.dir, 'dist', 'sources.stamp'), sourcesStamp(root.dir));
      expect(isStale(root.dir)).toBe(false);
      // A rollback, or a release unpacked with its own times (tar, rsync -a): older sources than the bundle. By the
      // bundle's age alone that was "not stale", and npm start served the code the operator had just replaced.
      writeFileSync(source, 'export const version = 1;\n');
      utimesSync(source, new Date('2026-01-02T00:00:00Z'), new Date('2026-01-02T00:00:00Z'));
      expect(isStale(root.dir)).toBe(true);
      writeFileSync(join(root.dir, 'dist', 'sources.stamp'), sourcesStamp(root.dir));
      expect(isStale(root.dir)).toBe(false);
      // A source added with an old time, as a release brings a new module.
      writeFileSync(join(root.dir, 'src', 'added.ts'), 'export {};\n');
      utimesSync(join(root.dir, 'src', 'added.ts'), new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
      expect(isStale(root.dir)).toBe(true);
    } finally {
      root.remove();
    }
  });

  it('build() leaves the stamp of the sources it built from', { timeout: 60_000 }, async () => {
    const out = tempDir();
    try {
      await build(out.dir);
      expect(readFileSync(join(out.dir, 'sources.stamp'), 'utf8')).toBe(sourcesStamp());
    } finally {
      out.remove();
    }
  });
});
