import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `mkdir -p`, a level at a time: Node's recursive mkdir loops for ever, blocking the process, where a level cannot
 * be made in a folder that is there (a path under /proc, run as root, passes the start's checks). Made levels get
 * `mode`; the error of the level that cannot be made comes back.
 */
export function makeFolder(dir: string, mode = 0o777): void {
  if (existsSync(dir)) return;
  makeFolder(dirname(dir), mode);
  try {
    mkdirSync(dir, { mode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
