import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
});
