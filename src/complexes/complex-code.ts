import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { complexes } from '../../db/schema';
import type { Context } from '../context';

const codes = new WeakMap<Db, Map<number, string>>();

/** A complex's code for the activity feed, remembered: codes never change, and bookings publish on every write. */
export function complexCodeOf(ctx: Pick<Context, 'db'>, complexId: number): string {
  let known = codes.get(ctx.db);
  if (!known) codes.set(ctx.db, (known = new Map()));
  let code = known.get(complexId);
  if (!code) known.set(complexId, (code = ctx.db.select({ code: complexes.code }).from(complexes).where(eq(complexes.id, complexId)).get()!.code));
  return code;
}
