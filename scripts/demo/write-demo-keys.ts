import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeFolder } from '../../db/folders';
import { EnvError } from '../../src/env';
import type { DemoKey } from './seed-demo';

/**
 * Writes the demo keys (secrets!) to `path`, readable by the owner only (the file is git-ignored). A file already
 * there holds another database's keys, shown once and stored nowhere else: it is kept beside, as `<path>.previous`,
 * whose path is returned (null when there was none).
 * @throws EnvError naming DEMO_KEYS_PATH when the file cannot be written.
 */
export function writeDemoKeys(path: string, keys: DemoKey[]): string | null {
  try {
    makeFolder(dirname(path));
    const previous = existsSync(path) ? `${path}.previous` : null;
    if (previous) copyFileSync(path, previous);
    writeFileSync(path, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
    return previous;
  } catch (error) {
    throw new EnvError(`Cannot write the demo keys to DEMO_KEYS_PATH=${path}: ${(error as Error).message}`);
  }
}
