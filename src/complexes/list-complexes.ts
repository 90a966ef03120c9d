import type { Context } from '../context';
import { cursorTag, idOfCursor, PageArgs, toConnection, type Connection } from '../pagination';
import { parseArgs } from '../validation';
import { selectComplexes, type ComplexRecord } from './complex-record';

export const ListComplexesInput = PageArgs;
export type ListComplexesInput = PageArgs;

/** The same list for every caller, and no filter. */
const TAG = cursorTag('complexes', null, null);

/** Public: every complex of the programme, in a stable order. Seven rows: paged in memory. */
export function listComplexes({ ctx, input }: { ctx: Context; input: ListComplexesInput }): Connection<ComplexRecord> {
  const { first, after } = parseArgs(ListComplexesInput, input);
  const afterId = after ? idOfCursor(TAG, after) : 0;
  const all = selectComplexes(ctx);
  const rest = all.filter((c) => c.id > afterId);
  return toConnection(TAG, rest.slice(0, first + 1), first, (c) => c.id, all.length, rest.length < all.length);
}
