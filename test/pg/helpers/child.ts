import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const TSX_LOADER = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;

/** A helper script in a node process of its own (an instance, with its own connections), its stdout read as JSON lines. */
export interface Child {
  process: ChildProcess;
  /** Every line printed so far, parsed. */
  lines: unknown[];
  /** Resolves with the first line (printed so far or later) that `match` accepts. */
  until<T>(match: (line: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

export function spawnChild(script: string, env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, resolve(script)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: unknown[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(JSON.parse(line));
    for (const wake of waiters) wake();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    process: child,
    lines,
    exited,
    until<T>(match: (line: T) => boolean, timeoutMs = 20_000) {
      return new Promise<T>((done, fail) => {
        const check = () => {
          const found = (lines as T[]).find(match);
          if (found === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          done(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          fail(new Error(`${script}: no matching line within ${timeoutMs} ms; got ${JSON.stringify(lines)}; stderr: ${stderr}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
