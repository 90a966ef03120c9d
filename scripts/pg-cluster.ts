/**
 * A throwaway PostgreSQL cluster: initdb in a temp folder, a free port on 127.0.0.1, its unix socket in that folder,
 * durability off (fsync, synchronous_commit: tests only) unless `durable` (benchmarks: an acknowledged commit is on disk). Needs Debian's `postgresql` package (initdb and pg_ctl on
 * PATH or under /usr/lib/postgresql/<version>/bin). PostgreSQL refuses to run as root: as root the cluster runs as
 * the `postgres` user (PG_CLUSTER_USER to choose another).
 *
 * As a library: `const cluster = await startCluster(); … cluster.url …; await cluster.stop()`.
 * As a CLI: `tsx scripts/pg-cluster.ts <command> [args…]` runs the command with DATABASE_URL set to the cluster and
 * removes the cluster when the command ends or the CLI is interrupted; it exits with the command's code.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PgCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`, trust authentication. */
  url: string;
  /** The temp folder: data/, the socket and server.log. */
  dir: string;
  /** Stops the server (immediate mode: nothing in it is worth keeping) and removes the folder. Safe to call twice. */
  stop(): void;
}

/** initdb and pg_ctl: on PATH, or the newest Debian install. */
function binary(name: 'initdb' | 'pg_ctl'): string {
  if (spawnSync('sh', ['-c', `command -v ${name}`]).status === 0) return name;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', name))) return join(root, v, 'bin', name);
  throw new Error(`${name} not found: install PostgreSQL (apt-get install -y postgresql)`);
}

/** Runs a PostgreSQL binary, as the unprivileged cluster user when we are root. */
function run(user: string | undefined, command: string, args: string[]): void {
  const [file, argv] = user ? ['runuser', ['-u', user, '--', command, ...args]] : [command, args];
  execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a fresh cluster and waits until it accepts connections.
 * @throws Error when the binaries are missing or the server does not start (its log is in the message).
 */
export async function startCluster({ durable = false }: { durable?: boolean } = {}): Promise<PgCluster> {
  const initdb = binary('initdb');
  const pgCtl = binary('pg_ctl');
  const user = process.getuid?.() === 0 ? (process.env.PG_CLUSTER_USER ?? 'postgres') : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'sandan-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  if (user) {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  let started = false;
  const stop = () => {
    if (started) {
      started = false;
      try {
        run(user, pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // Already gone (killed with the process group): the folder still goes.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run(user, initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    // A port found free may be taken before the server binds it: try a few.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const fast = durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'];
      const options = [`-p ${port}`, `-k ${dir}`, "-c listen_addresses='127.0.0.1'", ...fast, '-c max_connections=200'];
      try {
        run(user, pgCtl, ['-D', data, '-l', log, '-o', options.join(' '), '-w', '-t', '60', 'start']);
        started = true;
        return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, dir, stop };
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  } catch (error) {
    const serverLog = existsSync(log) ? readFileSync(log, 'utf8') : '';
    stop();
    throw new Error(`PostgreSQL cluster did not start: ${(error as Error).message}\n${serverLog}`);
  }
}

async function main(argv: string[]): Promise<void> {
  if (argv.length === 0) {
    console.error('usage: tsx scripts/pg-cluster.ts <command> [args…]   (runs the command with DATABASE_URL set)');
    process.exit(2);
  }
  const cluster = await startCluster();
  console.error(`PostgreSQL cluster at ${cluster.url} (${cluster.dir})`);
  const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit', env: { ...process.env, DATABASE_URL: cluster.url } });
  // Interrupted: pass the signal on and clean up when the command has gone.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  process.on('exit', () => cluster.stop());
  child.on('error', (error) => {
    console.error(error.message);
    process.exit(127);
  });
  child.on('exit', (code, signal) => {
    cluster.stop();
    process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

