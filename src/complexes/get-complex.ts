import { z } from 'zod';
import type { Context } from '../context';
import { NotFoundError } from '../errors';
import { parseArgs } from '../validation';
import { selectComplex, type ComplexRecord } from './complex-record';

/** A complex's code as callers send it, under whatever name their operation gives it. */
export const ComplexCode = z.string().regex(/^[A-Z_]{2,40}$/, 'must be a complex code such as BANWOL_SIHWA');

/** The arguments of the `complex` query (`code`), or an internal id. */
export const GetComplexInput = z.union([
  z.object({ code: ComplexCode }),
  z.object({ id: z.number().int().positive() }),
]);
export type GetComplexInput = z.infer<typeof GetComplexInput>;

/**
 * Public: one complex with its centre, by code or internal id.
 * @throws NotFoundError when there is no such complex.
 */
export function getComplex({ ctx, input }: { ctx: Context; input: GetComplexInput }): ComplexRecord {
  const parsed = parseArgs(GetComplexInput, input);
  const complex = selectComplex(ctx, parsed);
  if (!complex) throw new NotFoundError('code' in parsed ? `Complex ${parsed.code}` : 'Complex');
  return complex;
}
