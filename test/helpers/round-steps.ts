import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { offers } from '../../db/schema';
import { transact } from '../../db/transaction';
import { getComplex } from '../../src/complexes/get-complex';
import type { Context } from '../../src/context';
import type { Offer } from '../../src/matching/engine';
import { recordOffers } from '../../src/matching/record-offers';
import { loadRoundInput, type RoundRead } from '../../src/matching/round-input';
import { engineConfig } from '../../src/matching/run-round';
import { round } from './bookings-fixtures';
import { runRound } from './matching-fixtures';

/**
 * Banwol-Sihwa's round as executeRound runs it, one step at a time, so that a test changes the market between its
 * read and search and its write, deterministically: `operator` gives the context the round reads with.
 */
export function roundSteps(operator: () => Context) {
  /** The round's read and search. */
  const search = async (): Promise<{ input: RoundRead; planned: Offer[] }> => {
    const ctx = operator();
    const input = await loadRoundInput(ctx, getComplex({ ctx, input: { code: 'BANWOL_SIHWA' } }), new Date());
    return { input, planned: runRound(input, engineConfig(ctx)).offers };
  };
  /** The round's write step with what it searched; returns the offers it wrote. */
  const write = async (input: RoundRead, planned: Offer[]) => {
    const db: Db = operator().db;
    const r = await round(db);
    await transact(db, (tx) => recordOffers(tx, { id: r.roundId, complexId: r.complexId }, input, planned));
    return db.select().from(offers).where(eq(offers.roundId, r.roundId)).all();
  };
  return { search, write };
}
