import type { z } from 'zod';
import { ValidationError } from './errors';

/**
 * Parses a mutation's `input` object with `schema`.
 * @throws ValidationError naming every failing field (dotted path under `input`) and its rule.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  return parseAt(schema, input, ['input']);
}

/**
 * Parses a query's or subscription's arguments with `schema`, whose fields are those arguments.
 * @throws ValidationError naming every failing argument (dotted path from the argument, e.g. `filter.near`) and its rule.
 */
export function parseArgs<S extends z.ZodType>(schema: S, args: unknown): z.output<S> {
  return parseAt(schema, args, []);
}

function parseAt<S extends z.ZodType>(schema: S, value: unknown, root: string[]): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      field: [...root, ...issue.path].join('.'),
      rule: issue.message,
    })),
  );
}
