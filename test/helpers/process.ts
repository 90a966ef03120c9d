import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';

/** Absolute, so that a process may run in another folder (its relative defaults, e.g. `data/`, resolve there). */
const TSX = resolve('node_modules/.bin/tsx');
const MAIN = resolve('src/main.ts');
/** The demo seeding `npm start` runs before the service, preloaded into the same process as start.mjs does. */
const SEED_ON_EMPTY = pathToFileURL(resolve('scripts/demo/seed-on-empty.ts')).href;
/**
 * tsx's loader, for running the service in one process: the tsx command runs it in a child, so a signal to the
 * process a test holds (a kill -9 above all) would reach tsx and leave the service running.
 */
const TSX_LOADER = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  logs: string[];
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/** The line the service prints once it serves, with its URL. */
const READY = /ready at (http:\/\/\S+)/;

/** Runs `npm start`'s two steps (the demo seeding on an empty database, then the service) from source as one real process (in `cwd`, default this checkout) and waits until it prints its URL. */
export function spawnService(env: Record<string, string>, cwd?: string): Promise<ServiceProcess> {
  return spawnServiceUntil(READY, env, cwd);
}

/** As spawnService, but resolves once a line matches `line` (`url` is the ready line's, when that one matched). */
export function spawnServiceUntil(line: RegExp, env: Record<string, string>, cwd?: string): Promise<ServiceProcess> {
  return untilReady(spawn(process.execPath, ['--import', TSX_LOADER, '--import', SEED_ON_EMPTY, MAIN], { cwd, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }), line);
}


/**
 * Runs `npm start` itself, as a user or a process manager does: in a process group of its own, without the
 * NODE_ENV=test that vitest sets (which hides Apollo's own signal handling, among others).
 */
export function spawnNpmStart(env: Record<string, string>): Promise<ServiceProcess> {
  const { NODE_ENV: _testMode, ...inherited } = process.env;
  return untilReady(spawn('npm', ['start'], { env: { ...inherited, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
}

async function untilReady(child: ChildProcess, line: RegExp = READY): Promise<ServiceProcess> {
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // nobody holds it to stop it later
      reject(new Error(`service did not start:\n${logs.join('\n')}`));
    }, 45_000);
    createInterface({ input: child.stdout! }).on('line', (text) => {
      logs.push(text);
      if (line.test(text)) {
        clearTimeout(timer);
        resolve(READY.exec(text)?.[1] ?? '');
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => logs.push(line));
    void exited.then((code) => reject(new Error(`service exited with ${code}:\n${logs.join('\n')}`)));
  });
  return { child, url, logs, exited };
}

/** True while any process of the group led by `pid` is alive. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs a script to completion and returns its exit code and output; one meant to end is stopped (SIGTERM) after `timeoutMs`. */
export function runScript(args: string[], env: Record<string, string>, timeoutMs?: number, cwd?: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(TSX, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('exit', (code) => resolve({ code, output }));
  });
}
