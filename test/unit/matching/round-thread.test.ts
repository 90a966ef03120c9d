import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { syntheticRound } from '../../../src/matching/engine';
import { runRoundOffThread } from '../../../src/matching/round-thread';
import { runRound } from '../../helpers/matching-fixtures';
import { tempDir } from '../../helpers/server';

// Bound by iterations, not the clock (as the fixtures' runRound), so both sides search the same plan.
const CONFIG = { roundSeconds: 3_600 };
const input = syntheticRound({ requests: 60, seed: 7 });

describe('the matching thread', () => {
  it('gives the round the engine gives in process, while the event loop runs on', async () => {
    let ticks = 0;
    const ticking = setInterval(() => ticks++, 1);
    const answer = await runRoundOffThread(input, CONFIG);
    clearInterval(ticking);
    expect(ticks).toBeGreaterThan(0);
    const here = runRound(input, CONFIG);
    expect(answer.offers).toEqual(here.offers);
    expect({ ...answer.report, timeMs: 0 }).toEqual({ ...here.report, timeMs: 0 });
    expect(answer.offers.length).toBeGreaterThan(0);
  });

  it("fails a round with the engine's error, and runs the next", async () => {
    await expect(runRoundOffThread({ ...input, requests: null as never }, CONFIG)).rejects.toThrow(/null/);
    expect((await runRoundOffThread(input, CONFIG)).offers.length).toBeGreaterThan(0);
  });

  it('does not keep a process alive once its rounds are done', async () => {
    const loader = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
    const module = pathToFileURL(resolve('src/matching/round-thread.ts')).href;
    const engine = pathToFileURL(resolve('src/matching/engine/index.ts')).href;
    const script = `const { runRoundOffThread } = await import(${JSON.stringify(module)}); const { syntheticRound } = await import(${JSON.stringify(engine)});
      const { offers } = await runRoundOffThread(syntheticRound({ requests: 10, seed: 1 }), { roundSeconds: 1 }); console.log('offers', offers.length);`;
    const tmp = tempDir();
    try {
      writeFileSync(join(tmp.dir, 'one-round.mjs'), script);
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', loader, join(tmp.dir, 'one-round.mjs')], { timeout: 20_000 });
      expect(stdout).toMatch(/^offers [1-9]/);
    } finally {
      tmp.remove();
    }
  });
});
