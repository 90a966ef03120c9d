import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LOGGER = fileURLToPath(new URL('../../src/logger.ts', import.meta.url));
const LINES = 2_000;

/** A process that logs `LINES` numbered lines to stdout, ends the logs as main.ts does, and exits at once. */
function logThenExit(): Promise<string> {
  const code = `
    const { createLogger, endLogs } = await import(${JSON.stringify(LOGGER)});
    const logger = createLogger('info');
    for (let n = 1; n <= ${LINES}; n++) {
      logger.info({ n }, 'line');
      if (n % 100 === 0) await new Promise((r) => setImmediate(r)); // let a write start before the next lines
    }
    await endLogs(logger);
    process.exit(0);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d));
  return new Promise((resolve, reject) => child.once('exit', (status) => (status === 0 ? resolve(output) : reject(new Error(`exited with ${status}`)))));
}

describe('endLogs', () => {
  it('writes every line logged before it, in order, when the process exits right after', { timeout: 60_000 }, async () => {
    for (let run = 0; run < 5; run++) {
      const numbers = (await logThenExit()).trim().split('\n').map((line) => (JSON.parse(line) as { n: number }).n);
      expect(numbers).toEqual(Array.from({ length: LINES }, (_, i) => i + 1));
    }
  });
});
