/**
 * One instance's scheduler loop for the round-lease test: its own process and connection. Every LEASER_TICK_MS it
 * claims LEASER_COMPLEXES and prints one JSON line `{ owned, at }` whenever what it holds changes (and once at start).
 */
import { createRoundLeases } from '../../../src/matching/round-leases-pg';

const leases = createRoundLeases(process.env.LEASER_URL!);
const complexes = JSON.parse(process.env.LEASER_COMPLEXES!) as number[];
const tickMs = Number(process.env.LEASER_TICK_MS ?? 100);
let last: string | null = null;
for (;;) {
  const owned = await leases.claim(complexes).catch((error: unknown) => {
    console.error(error);
    return [] as number[];
  });
  const now = JSON.stringify(owned);
  if (now !== last) process.stdout.write(`${JSON.stringify({ owned, at: Date.now() })}\n`);
  last = now;
  await new Promise((r) => setTimeout(r, tickMs));
}
