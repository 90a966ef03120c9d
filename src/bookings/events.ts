import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { complexes, offers } from '../../db/schema';
import type { Context } from '../context';
import type { Publication } from '../pubsub';

/** What tells each supplier about the offers a round wrote for it: read in the round's transaction, published after it. */
export function offersOfRound(tx: Pick<Db, 'select'>, roundId: number): Publication[] {
  return tx.select().from(offers).where(eq(offers.roundId, roundId)).all().map((offer) => ['offerReceived', { offer }]);
}

const codes = new WeakMap<Db, Map<number, string>>();

/** A complex's code for the activity feed, remembered: codes never change, and bookings publish on every write. */
export function complexCodeOf(ctx: Pick<Context, 'db'>, complexId: number): string {
  let known = codes.get(ctx.db);
  if (!known) codes.set(ctx.db, (known = new Map()));
  let code = known.get(complexId);
  if (!code) known.set(complexId, (code = ctx.db.select({ code: complexes.code }).from(complexes).where(eq(complexes.id, complexId)).get()!.code));
  return code;
}
