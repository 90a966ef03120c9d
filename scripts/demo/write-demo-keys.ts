import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DemoKey } from './seed-demo';

/** Writes the demo keys (secrets!) to `path`, readable by the owner only. The file is git-ignored. */
export function writeDemoKeys(path: string, keys: DemoKey[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
}
