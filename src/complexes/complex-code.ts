import type { Context } from '../context';
import { selectComplex } from './complex-record';

/** A complex's code for the activity feed (reference data, read once per database: see selectComplexes). */
export function complexCodeOf(ctx: Pick<Context, 'db'>, complexId: number): string {
  const complex = selectComplex(ctx, { id: complexId });
  if (!complex) throw new Error(`complex ${complexId} does not exist`);
  return complex.code;
}
