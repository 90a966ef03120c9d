import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnService, type ServiceProcess } from '../helpers/process';
import { tempDir } from '../helpers/server';

/**
 * README.md's examples, run as written and in order against the service started as `npm start` starts it, in a
 * temporary folder that stands in for the repository's (so `data/sandan.db`, `data/demo-keys.json` and
 * `data/pod` are the defaults, created there on a free port). The rules, by a fenced block's info string:
 * - ```sh: run in one bash session (`set -euo pipefail`) in that folder, so variables and functions carry over;
 *   it must exit 0, and every output line that starts with `{` must be JSON without `errors`. In the session
 *   `curl` fails on HTTP errors (--fail-with-body), `npm` runs this checkout's scripts (--prefix) and
 *   DATABASE_PATH names the service's database, for the admin CLI.
 * - ```sh background: run beside the rest, as in a second terminal; the session waits for its first line, and
 * *   at the end it must still be running, and the JSON lines it printed must carry no `errors`.
 * - ```sh no-test: shown, not run; allowed only for commands that install, start the service, run the tests,
 *   the simulation or a benchmark (NOT_RUN below).
 * - ``` (no info string): sample output or a file layout, not a command.
 * Any other block fails the test: an example a reader cannot paste into bash is not one this test can keep true.
 * `localhost:4000` is replaced by the service's address.
 */

// A start may set variables first (`DATABASE_URL=… PORT=4001 npm start`: another database, another instance).
const NOT_RUN = /^([A-Z_]+=\S+ )*(npm (ci|start|test)|npm run (simulate|bench:[\w-]+)( -- .*)?)$/;
const DONE = '@@readme-block-done@@';

interface Block {
  info: string;
  code: string;
  line: number;
}

function readmeBlocks(): Block[] {
  const text = readFileSync('README.md', 'utf8');
  return [...text.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({ info: m[1]!.trim(), code: m[2]!, line: text.slice(0, m.index).split('\n').length }));
}

/** Errors in the JSON lines of an output (lines starting with `{`), as messages; [] when there are none. */
function jsonErrors(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        const errors = (JSON.parse(line) as { errors?: unknown }).errors;
        return errors ? [JSON.stringify(errors)] : [];
      } catch {
        return [`not JSON: ${line}`];
      }
    });
}

/** One bash process fed block after block on stdin; each block's stdout ends at the DONE marker. */
class Session {
  private readonly child: ChildProcess;
  private stdout = '';
  private stderr = '';
  private exitCode: number | null | undefined;

  constructor(cwd: string, env: Record<string, string>) {
    this.child = spawn('bash', ['--noprofile', '--norc'], { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d) => (this.stdout += d));
    this.child.stderr!.on('data', (d) => (this.stderr += d));
    this.child.once('close', (code) => (this.exitCode = code));
  }

  /** Runs a script file in the session; rejects with its output when the shell exits (set -e) instead. */
  async source(file: string): Promise<{ stdout: string; stderr: string }> {
    this.stdout = this.stderr = '';
    const marker = `\n${DONE}\n`;
    await new Promise<void>((done, fail) => {
      const settle = () => {
        if (!this.stdout.includes(marker) && this.exitCode === undefined) return;
        this.child.stdout!.off('data', settle);
        this.child.off('close', settle);
        if (this.stdout.includes(marker)) done();
        else fail(new Error(`exited with ${this.exitCode}\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`));
      };
      this.child.stdout!.on('data', settle);
      this.child.on('close', settle);
      if (this.exitCode === undefined) this.child.stdin!.write(`source '${file}'\nprintf '\\n%s\\n' '${DONE}'\n`);
      settle();
    });
    return { stdout: this.stdout.slice(0, this.stdout.lastIndexOf(marker)), stderr: this.stderr };
  }

  async close(): Promise<void> {
    if (this.exitCode !== undefined) return;
    const exited = new Promise((done) => this.child.once('close', done));
    this.child.stdin!.end();
    await exited;
  }
}

describe('README examples', () => {
  const tmp = tempDir();
  let service: ServiceProcess;
  let address: string;
  const background: { child: ChildProcess; output: string; exited: boolean }[] = [];

  beforeAll(async () => {
    service = await spawnService({ NODE_ENV: 'development' }, tmp.dir);
    address = new URL(service.url).host.replace('localhost', '127.0.0.1');
    // The Node examples import graphql-ws and ws as the repository's folder would let them.
    symlinkSync(resolve('node_modules'), join(tmp.dir, 'node_modules'));
    // A real start seeds the demo history first: ~20 s alone, over a minute on a loaded 2-core machine.
  }, 90_000);

  afterAll(async () => {
    for (const b of background) if (!b.exited) process.kill(-b.child.pid!, 'SIGTERM');
    service?.child.kill('SIGTERM');
    await service?.exited;
    tmp.remove();
  });

  it('run as written, in order, on a fresh start', { timeout: 240_000 }, async () => {
    const blocks = readmeBlocks();
    const unknown = blocks.filter((b) => !['sh', 'sh background', 'sh no-test', ''].includes(b.info));
    expect(unknown.map((b) => `README.md:${b.line} \`\`\`${b.info}`)).toEqual([]);
    for (const b of blocks.filter((b) => b.info === 'sh no-test')) {
      const commands = b.code.split(/\n|&&/).map((c) => c.replace(/(^|\s)#.*$/, '').trim()).filter(Boolean);
      expect(commands.filter((c) => !NOT_RUN.test(c)), `README.md:${b.line} is marked no-test`).toEqual([]);
    }

    const session = new Session(tmp.dir, { DATABASE_PATH: join(tmp.dir, 'data', 'sandan.db'), REPO: resolve('.') });
    writeFileSync(join(tmp.dir, 'session.sh'), 'set -euo pipefail\ncurl() { command curl --fail-with-body --show-error "$@"; }\nnpm() { command npm --prefix "$REPO" "$@"; }\n');
    await session.source(join(tmp.dir, 'session.sh'));
    const outputs: { block: Block; stdout: string }[] = [];
    try {
      for (const [i, block] of blocks.entries()) {
        if (block.info === '' || block.info === 'sh no-test') continue;
        const code = block.code.replaceAll('localhost:4000', address);
        if (block.info === 'sh background') {
          background.push(await startBackground(code, tmp.dir));
          continue;
        }
        const file = join(tmp.dir, `block-${i}.sh`);
        writeFileSync(file, code);
        const { stdout } = await session.source(file).catch((error: Error) => {
          throw new Error(`README.md:${block.line} failed: ${error.message}`);
        });
        expect(jsonErrors(stdout), `README.md:${block.line}\n${stdout}`).toEqual([]);
        outputs.push({ block, stdout });
      }
    } finally {
      await session.close();
    }

    // The walk-through holds together: the operator finds the truck the carrier registered, the truck delivers,
    // the shipper downloads the proof, and the operator's subscription saw it happen.
    const outputOf = (fragment: string) => outputs.find((o) => o.block.code.includes(fragment))?.stdout ?? '';
    expect(outputOf('vehicles(filter:')).toContain('"plateNumber":"경기12바3456"');
    expect(outputOf('kind: DELIVERED')).toContain('"status":"COMPLETED"');
    expect(outputOf('-o data/pod-copy.png')).toMatch(/^200 image\/png 70 bytes$/m);
    expect(readFileSync(join(tmp.dir, 'data', 'pod-copy.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(background).toHaveLength(1);
    for (const b of background) {
      expect(b.exited, b.output).toBe(false);
      expect(jsonErrors(b.output)).toEqual([]);
    }
    expect(background[0]!.output).toContain('"kind":"SHIPMENT_DELIVERED"');
  });
});

/** Starts a block in its own process group (to stop it as a whole) and waits for its first line of output. */
async function startBackground(code: string, cwd: string): Promise<{ child: ChildProcess; output: string; exited: boolean }> {
  const child = spawn('bash', ['-c', code], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const started = { child, output: '', exited: false };
  child.stdout!.on('data', (d) => (started.output += d));
  child.stderr!.on('data', (d) => (started.output += d));
  child.once('exit', () => (started.exited = true));
  const deadline = Date.now() + 20_000;
  while (!started.output.includes('\n')) {
    if (started.exited || Date.now() > deadline) throw new Error(`background block did not start:\n${started.output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return started;
}
