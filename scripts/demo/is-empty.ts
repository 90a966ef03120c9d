import { count } from 'drizzle-orm';
import { complexes } from '../../db/schema';
import type { Context } from '../../src/context';

/** True when the database holds no complexes yet (start-up seeds only then). */
export async function isEmpty({ ctx }: { ctx: Pick<Context, 'db'> }): Promise<boolean> {
  return (await ctx.db.select({ n: count() }).from(complexes).get())!.n === 0;
}
