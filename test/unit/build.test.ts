import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript build script, without types
import { build } from '../../scripts/build.mjs';
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
