import { z } from 'zod';
import type { Context } from '../context';
import { NotFoundError } from '../errors';
import { parseArgs } from '../validation';
import { PROGRAMME_COMPLEXES } from './programme';
import { selectComplex, type ComplexRecord } from './complex-record';

/** A complex's code as callers send it, under whatever name their operation gives it. */
export const ComplexCode = z.string().regex(/^[A-Z_]{2,40}$/, 'must be a complex code such as BANWOL_SIHWA');

const CODES = PROGRAMME_COMPLEXES.map((c) => c.code);
/** A code naming one of the programme's complexes, for input that creates a record in it: refused naming the field, with the codes there are. */
export const KnownComplexCode = ComplexCode.refine((code) => CODES.includes(code), {
  error: (issue) => `must be one of ${CODES.join(', ')}: got ${String(issue.input)}`,
  // A malformed code ("", "gumi") has its issue already: one each.
  when: (payload) => payload.issues.length === 0,
});

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
