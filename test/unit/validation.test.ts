import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationError, type FieldIssue } from '../../src/errors';
import { parseInput, parseInputBeforeRules, type Passed } from '../../src/validation';

/** A load: its pallets must fit its truck, a rule between two fields. */
const Load = z.object({ pallets: z.number().int().min(1), slots: z.number().int().min(1), note: z.string().max(5).nullish() });
type Load = z.output<typeof Load>;
const fits = ({ pallets, slots }: Passed<Load>): FieldIssue[] => (pallets !== undefined && slots !== undefined && pallets > slots ? [{ field: 'input.pallets', rule: `must be at most ${slots}` }] : []);

const issuesOf = (parse: () => unknown) => {
  try {
    parse();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  return [];
};

describe('parseInput with rules between fields', () => {
  it('names the fields failing their own rules and those failing a rule between fields in one answer, the schema\'s first', () => {
    const BoundedLoad = Load.extend({ weightKg: z.number().max(100) });
    const rules = (fields: Passed<z.output<typeof BoundedLoad>>) => fits(fields);
    expect(issuesOf(() => parseInput(BoundedLoad, { pallets: 5, slots: 3, weightKg: 200 }, rules))).toEqual([
      { field: 'input.weightKg', rule: 'must be at most 100' },
      { field: 'input.pallets', rule: 'must be at most 3' },
    ]);
  });

  it('skips a rule that needs a field which failed its own rule: that field is named once', () => {
    expect(issuesOf(() => parseInput(Load, { pallets: 5, slots: 0 }, fits))).toEqual([{ field: 'input.slots', rule: 'must be at least 1' }]);
  });

  it('tells the rules which fields failed, among them one a rule of the schema between fields named', () => {
    const Refined = Load.refine((l) => l.note !== 'x', { path: ['note'], message: 'must not be x' });
    const seen: string[][] = [];
    issuesOf(() => parseInput(Refined, { pallets: 5, slots: 6, note: 'x' }, (_, failed) => (seen.push([...failed]), [])));
    issuesOf(() => parseInput(Refined, { pallets: 5, slots: 6, note: 'too long' }, (_, failed) => (seen.push([...failed]), [])));
    expect(seen).toEqual([['note'], ['note']]);
  });

  it('checks a parsed input by the rules, and returns it when they pass', () => {
    expect(issuesOf(() => parseInput(Load, { pallets: 5, slots: 3 }, fits))).toEqual([{ field: 'input.pallets', rule: 'must be at most 3' }]);
    expect(parseInput(Load, { pallets: 2, slots: 3 }, fits)).toEqual({ pallets: 2, slots: 3 });
  });
});

describe('parseInputBeforeRules', () => {
  it('runs the rules only when some field fails, adding theirs to the schema\'s in one answer', async () => {
    let ran = 0;
    const rules = async (fields: Passed<Load>) => (ran++, fits(fields));
    await expect(parseInputBeforeRules(Load, { pallets: 5, slots: 3 }, rules)).resolves.toEqual({ pallets: 5, slots: 3 });
    expect(ran).toBe(0);
    const refused = await parseInputBeforeRules(Load, { pallets: 5, slots: 3, note: 'too long' }, rules).catch((error: ValidationError) => error.issues);
    expect(refused).toEqual([
      { field: 'input.note', rule: 'must have at most 5 characters' },
      { field: 'input.pallets', rule: 'must be at most 3' },
    ]);
  });
});
