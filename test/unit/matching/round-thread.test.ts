import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { syntheticRound } from '../../../src/matching/engine';
import { cutRounds, runRoundOffThread } from '../../../src/matching/round-thread';
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

  it('a stop cuts the round in hand to its best plan so far; once that stop is over, rounds search in full again', async () => {
    // Uncut, its search takes minutes to its iteration bound.
    const busy = syntheticRound({ requests: 600, seed: 600 });
    const answer = runRoundOffThread(busy, CONFIG);
    await new Promise((r) => setTimeout(r, 1_000));
    const uncut = cutRounds();
    let cut: Awaited<typeof answer>;
    try {
      cut = await answer;
    } finally {
      uncut();
    }
    // Cut once the search has run a while, some requests go through the centre: a share on each leg's route.
    const shares = cut.offers.flatMap((o) => (o.kind === 'ROUTE' ? o.shares : []));
    expect(new Set(shares.map((s) => `${s.requestId}:${s.centreLeg ?? ''}`)).size).toBe(shares.length);
    const legs = shares.filter((s) => s.centreLeg);
    expect(legs.filter((s) => s.centreLeg === 'FEEDER').map((s) => s.requestId).sort()).toEqual(legs.filter((s) => s.centreLeg === 'TRUNK').map((s) => s.requestId).sort());
    expect(cut.report.servedCount).toBe(new Set(shares.map((s) => s.requestId)).size);
    expect(cut.report.servedCount).toBeGreaterThan(500);
    // A later service in the same process (a test's next server) is not cut by an earlier one's stop.
    expect((await runRoundOffThread(input, CONFIG)).offers).toEqual(runRound(input, CONFIG).offers);
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
