import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeFolder } from '../../../db/folders';
import { tempDir } from '../../helpers/server';

describe('makeFolder', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it('makes every missing level with the mode asked, and takes a folder that is there', () => {
    const deep = join(tmp.dir, 'a', 'b', 'c');
    makeFolder(deep, 0o700);
    makeFolder(deep, 0o700);
    for (const dir of [join(tmp.dir, 'a'), deep]) expect((statSync(dir).mode & 0o777).toString(8)).toBe('700');
  });

  it('throws where a level cannot be made under a file', () => {
    expect(() => makeFolder(join(import.meta.filename, 'x'))).toThrow(/ENOTDIR/);
  });

  // Root may write /proc, which takes no folder: Node's recursive mkdir looped there for ever.
  it.runIf(process.getuid?.() === 0)('throws where a level cannot be made in a folder that is there, under /proc as root', () => {
    expect(() => makeFolder(`/proc/sandan-${randomUUID()}/pod`)).toThrow(/ENOENT/);
  });
});
