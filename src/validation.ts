import { z } from 'zod';
import type { $ZodRawIssue } from 'zod/v4/core';
import { ValidationError, type FieldIssue } from './errors';

/** An input's fields that passed their own rules; a field that failed (and is named already) is left out. */
export type Passed<T> = Partial<T>;

/**
 * Rules that need more than one field of an input, or the clock, the caller's complex or the stored record, over
 * `fields`: each skips what needs a field in `failed` (named already, with its own rule).
 */
export type InputRules<T, R = FieldIssue[]> = (fields: Passed<T>, failed: ReadonlySet<string>) => R;

/**
 * Parses a mutation's `input` object with `schema`, then checks it by `rules`. When some field fails, the rules still
 * run, over the fields that passed, so that one answer names every failing field: the schema's issues first (a field's
 * own rule, read before any rule between fields), then the rules'.
 * @throws ValidationError naming every failing field (dotted path under `input`) and its rule.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, rules: InputRules<z.output<S>> = () => []): z.output<S> {
  const result = schema.safeParse(input, { error: ruleOf });
  if (!result.success) throw new ValidationError([...issuesAt(result.error, ['input']), ...rulesOver(schema, input, result.error, rules)]);
  const issues = rules(result.data, new Set());
  if (issues.length > 0) throw new ValidationError(issues);
  return result.data;
}

/**
 * `parseInput` for a mutation that checks its rules on the parsed input itself, later: in its transaction, against
 * the stored record it locks, or in its idempotent call (which answers a retry as it answered first, however late).
 * Only when some field fails are `rules` run here, over the fields that passed, to name every failing field at once.
 * @throws ValidationError naming every failing field: the schema's issues, then the rules'.
 */
export async function parseInputBeforeRules<S extends z.ZodType>(schema: S, input: unknown, rules: InputRules<z.output<S>, Promise<FieldIssue[]> | FieldIssue[]>): Promise<z.output<S>> {
  const result = schema.safeParse(input, { error: ruleOf });
  if (result.success) return result.data;
  throw new ValidationError([...issuesAt(result.error, ['input']), ...(await rulesOver(schema, input, result.error, rules))]);
}

/**
 * Parses a query's or subscription's arguments with `schema`, whose fields are those arguments.
 * @throws ValidationError naming every failing argument (dotted path from the argument, e.g. `filter.near`) and its rule.
 */
export function parseArgs<S extends z.ZodType>(schema: S, args: unknown): z.output<S> {
  const result = schema.safeParse(args, { error: ruleOf });
  if (result.success) return result.data;
  throw new ValidationError(issuesAt(result.error, []));
}

/**
 * The fields of `value` that `schema` (an object) passes, each by its own rules, and the names of the others: those
 * failing their own rules, and those a rule between fields named in `error`.
 */
export function passedFields<S extends z.ZodType>(schema: S, value: unknown, error?: z.ZodError): { fields: Passed<z.output<S>>; failed: Set<string> } {
  const fields: Record<string, unknown> = {};
  const failed = new Set((error?.issues ?? []).flatMap((issue) => (issue.path.length > 0 ? [String(issue.path[0])] : [])));
  if (!(schema instanceof z.ZodObject)) return { fields: {}, failed };
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const result = failed.has(name) ? undefined : field.safeParse(record[name]);
    if (result?.success) fields[name] = result.data;
    else failed.add(name);
  }
  return { fields: fields as Passed<z.output<S>>, failed };
}

/**
 * An update's fields, by the rules of the fields that make the record (`shape`, create's), each optional: a field left
 * out keeps the record's value; null is passed to a rule that takes it (an optional term, cleared or reset to its
 * default) and refused, by the field's name, for a field the record cannot be without. null is never "keep": a client
 * sending it thinks it cleared something.
 */
export function fieldChanges<S extends Record<string, z.ZodType>>(shape: S, record: string) {
  const keep = `must not be null: leave it out to keep the ${record}'s`;
  const changes = Object.entries(shape).map(([field, rule]): [string, z.ZodType] => [field, rule.safeParse(null).success ? rule : rule.nullable().refine((v) => v !== null, keep)]);
  return z.object(Object.fromEntries(changes) as S).partial();
}

/** The rule of an update (`.refine(...changesSome(shape, 'listing'))`) that it gives at least one of `shape`'s fields. */
export function changesSome(shape: Record<string, z.ZodType>, record: string): [(update: Record<string, unknown>) => boolean, string] {
  const fields = Object.keys(shape);
  return [(update) => fields.some((field) => update[field] !== undefined), `must change at least one field of the ${record}: ${fields.join(', ')}`];
}

/** `rules` over the fields of `value` that passed their own rules, `schema` having refused it with `error`. */
function rulesOver<S extends z.ZodType, R>(schema: S, value: unknown, error: z.ZodError, rules: InputRules<z.output<S>, R>): R {
  const { fields, failed } = passedFields(schema, value, error);
  return rules(fields, failed);
}

/**
 * A field's path as GraphQL writes it in its own errors (a variable of the wrong type): names joined by dots, list
 * positions in brackets, `input.availability[0].startsAt`, so that a client reads one style from either.
 */
export function fieldPath(parts: readonly PropertyKey[]): string {
  return parts.reduce<string>((path, part) => (typeof part === 'number' ? `${path}[${part}]` : path ? `${path}.${String(part)}` : String(part)), '');
}

function issuesAt(error: z.ZodError, root: string[]): FieldIssue[] {
  return error.issues.map((issue) => ({ field: fieldPath([...root, ...issue.path]), rule: issue.message }));
}

/**
 * Half of a UTF-16 pair without its other half (`\ud800`, an emoji cut in two by a client that truncates by code unit):
 * JSON carries it, but it is no Unicode text; stored as UTF-8 it would come back as U+FFFD, not as it was sent.
 */
const LONE_SURROGATE = 'must not contain a lone surrogate (half of a UTF-16 pair such as \\ud800, e.g. an emoji cut in two)';

/**
 * A `.regex(...)` rule for text that refuses `pattern`'s misses, naming a lone surrogate as such, then the first of
 * `named` the text holds by its own rule, and anything else as `rule`.
 */
function textRule(pattern: RegExp, rule: string, named: [RegExp, string][] = []): [RegExp, { error: (issue: { input?: unknown }) => string }] {
  const ruleFor = (input: string) => (/\p{Cs}/u.test(input) ? LONE_SURROGATE : (named.find(([holds]) => holds.test(input))?.[1] ?? rule));
  return [pattern, { error: ({ input }) => (typeof input === 'string' ? ruleFor(input) : rule) }];
}

/** Unicode's bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069). */
const BIDI = '\\u202a-\\u202e\\u2066-\\u2069';

/**
 * Unicode's own line breaks, which are no control characters (Zl, Zp): word processors paste them, and screens, PDFs
 * and JavaScript break lines at them as at \\n.
 */
const LINE_SEPARATORS = '\\u2028\\u2029';

/**
 * A zero-width character or direction mark (U+200B–U+200F, U+061C, U+2060, U+FEFF) outside an emoji sequence: '한국\u200b물류'
 * shows as 한국물류 and is another name, '\u200b' shows as none (a direction mark between Hangul or Latin letters changes nothing
 * a reader sees either). The zero-width joiner is kept between emoji (👨‍👩‍👧 is three joined, 🏳️‍🌈 one
 * with its variation selector or a skin tone before the joiner); Persian's and Indic scripts' joiners (U+200C, U+200D
 * between letters) only shape letters, and a name reads the same without them.
 */
const ZERO_WIDTH = '[\\u200b\\u200c\\u200e\\u200f\\u061c\\u2060\\ufeff]|(?<!\\p{Extended_Pictographic}[\\ufe0f\\u{1f3fb}-\\u{1f3ff}]?)\\u200d|\\u200d(?!\\p{Extended_Pictographic})';

/**
 * What shows nothing on a screen: spaces, format and control characters, marks without a base, and the Hangul fillers
 * (U+115F, U+1160, U+3164, U+FFA0: letters to Unicode, blank to a reader) and the blank braille pattern.
 */
const INVISIBLE = '[\\s\\p{C}\\p{M}\\p{Z}\\u115f\\u1160\\u3164\\uffa0\\u2800]';

/**
 * For names and other one-line text (`OneLineText...regex(...ONE_LINE)`): no control characters. NUL padding from a fixed-width
 * ERP field, a tab or line break pasted with a name, or an escape code are never part of a firm's name (상호), and
 * would travel on into statements, CSV and screens. No lone surrogates either, nor bidirectional overrides: one turns
 * the rest of a name around on every screen and statement that shows it (a firm passing for another), nor zero-width
 * characters, nor a name with nothing visible in it.
 */
export const ONE_LINE = textRule(
  new RegExp(`^(?!${INVISIBLE}+$)(?!.*(?:${ZERO_WIDTH}))[^\\p{Cc}\\p{Cs}${BIDI}${LINE_SEPARATORS}]*$`, 'u'),
  'must not contain control characters (NUL, tabs, line breaks, escape codes)',
  [
    [new RegExp(`[${BIDI}]`, 'u'), 'must not contain bidirectional overrides or isolates (U+202A–U+202E, U+2066–U+2069), which make text read other than it is'],
    [new RegExp(`[${LINE_SEPARATORS}]`, 'u'), 'must not contain line breaks (U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR included)'],
    [new RegExp(ZERO_WIDTH, 'u'), 'must not contain zero-width characters or direction marks (U+200B–U+200F, U+061C, U+2060, U+FEFF), which make it look like other text: a zero-width joiner only inside an emoji sequence such as 👨‍👩‍👧'],
    [new RegExp(`^${INVISIBLE}+$`, 'u'), 'must contain a visible character: spaces, fillers (U+3164) and invisible marks alone show as an empty name'],
  ],
);

/**
 * One-line text (names, descriptions, one-line reasons) as a reader sees it: trimmed, and each run of spaces (typed
 * twice, U+00A0 or U+3000 pasted: any Unicode space) one space, so that `Gumi   Warehouse` is `Gumi Warehouse` on every
 * screen, statement and search. Its rules follow: `OneLineText.min(2).max(120).regex(...ONE_LINE)`.
 */
export const OneLineText = z.string().trim().overwrite((text) => text.replace(/\p{Zs}+/gu, ' '));

/** For free text such as notes and reasons (`.regex(...FREE_TEXT)`): line breaks and tabs, but no other control characters, and no lone surrogates. */
export const FREE_TEXT = textRule(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\p{Cs}]*$/u, 'must not contain control characters other than line breaks and tabs (NUL, escape codes)');

const UNITS: Record<string, string> = { string: 'characters', array: 'items', set: 'items', file: 'bytes' };

/**
 * zod's own messages for the rules every schema uses, in the words of the rest ("must be at least 1", not "Too
 * small: expected number to be >=1"). A message a schema writes itself wins; anything else stays zod's.
 */
export function ruleOf(issue: $ZodRawIssue): string | undefined {
  const unit = UNITS[String(issue.origin)];
  const count = (n: number | bigint) => (unit ? `${n} ${unit}` : String(n));
  switch (issue.code) {
    case 'too_small':
      if (unit && Number(issue.minimum) === 1) return 'must not be empty';
      return issue.exact ? `must have exactly ${count(issue.minimum)}` : issue.inclusive ? `must ${unit ? 'have' : 'be'} at least ${count(issue.minimum)}` : `must be greater than ${issue.minimum}`;
    case 'too_big':
      return issue.exact ? `must have exactly ${count(issue.maximum)}` : issue.inclusive ? `must ${unit ? 'have' : 'be'} at most ${count(issue.maximum)}` : `must be less than ${issue.maximum}`;
    case 'invalid_type':
      // GraphQL reads a Float written past its range (1e400) as Infinity, which is a number to the client who wrote it.
      if (typeof issue.input === 'number' && !Number.isFinite(issue.input)) return 'must be a finite number';
      return issue.expected === 'int' ? 'must be a whole number' : `must be a ${issue.expected}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => String(v)).join(', ')}`;
    default:
      return undefined;
  }
}
