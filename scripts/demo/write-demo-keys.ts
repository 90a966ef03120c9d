import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DemoKey } from './seed-demo';

/**
 * Writes the demo keys (secrets!) to `path`, readable by the owner only (the file is git-ignored). A file already
 * there holds another database's keys, shown once and stored nowhere else: it is kept beside, as `<path>.previous`,
 * whose path is returned (null when there was none).
 */
export function writeDemoKeys(path: string, keys: DemoKey[]): string | null {
  mkdirSync(dirname(path), { recursive: true });
  const previous = existsSync(path) ? `${path}.previous` : null;
  if (previous) copyFileSync(path, previous);
  writeFileSync(path, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return previous;
}
