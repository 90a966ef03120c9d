import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every module specifier a file imports or re-exports, type-only ones included. */
const importsOf = (file: string) => ts.preProcessFile(readFileSync(join(SRC, file), 'utf8'), true, true).importedFiles.map((i) => i.fileName);

const sourceFiles = (dir = ''): string[] =>
  readdirSync(join(SRC, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === 'public' ? [] : sourceFiles(join(dir, e.name))) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

describe('code layout (graph → src/<domain> → db)', () => {
  it.each(['context.ts', 'pubsub.ts', 'errors.ts', 'validation.ts'])('core file %s imports no domain folder', (file) => {
    // A sibling core file ('./logger') or db/ is fine; './complexes/complex-code' is a domain folder.
    expect(importsOf(file).filter((spec) => /^\.\/[^/]+\//.test(spec))).toEqual([]);
  });

  /** The files outside the HTTP adapter (src/http/, and server.ts and main.ts, which wire it) that import `pkg`. */
  const outsideAdapter = (pkg: string) =>
    sourceFiles().filter((file) => !file.startsWith('http/') && !['server.ts', 'main.ts'].includes(file) && importsOf(file).some((spec) => spec === pkg || spec.startsWith(`${pkg}/`)));

  it('imports graphql only in the HTTP adapter: domain errors are mapped to GraphQL there', () => {
    expect(outsideAdapter('graphql')).toEqual([]);
  });

  it('serves HTTP routes only from the HTTP adapter, never from a domain folder', () => {
    expect(outsideAdapter('express')).toEqual([]);
  });

  it('keeps the market one way: bookings, matching and demand never import each other in a loop (their lifecycle is market/)', () => {
    const market = ['bookings', 'matching', 'demand', 'market'];
    const folderOf = (file: string) => file.split(/[\\/]/)[0]!;
    // Folder → the other market folders its files import (type-only imports too).
    const uses = new Map(market.map((folder) => [folder, new Set<string>()]));
    for (const file of sourceFiles().filter((f) => market.includes(folderOf(f)))) {
      for (const spec of importsOf(file).filter((s) => s.startsWith('.'))) {
        const target = folderOf(normalize(join(dirname(file), spec)));
        if (target !== folderOf(file) && market.includes(target)) uses.get(folderOf(file))!.add(target);
      }
    }
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
      [...uses.get(from)!].some((next) => next === to || (!seen.has(next) && (seen.add(next), reaches(next, to, seen))));
    expect(market.filter((folder) => reaches(folder, folder))).toEqual([]);
  });
});
