import { count } from 'drizzle-orm';
import { organisations } from '../../db/schema';
import type { Context } from '../../src/context';

/**
 * True when the database holds no organisations yet (start-up seeds only then): the complexes are built in, so a
 * database the service started without demo data (SEED_ON_EMPTY=false) has them and is empty still.
 */
export async function isEmpty({ ctx }: { ctx: Pick<Context, 'db'> }): Promise<boolean> {
  return (await ctx.db.select({ n: count() }).from(organisations).get())!.n === 0;
}
