import type { z } from 'zod';
import { ValidationError } from './errors';

/**
 * Parses `input` with `schema`.
 * @throws ValidationError naming every failing field (dotted path under `input`) and its rule.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      field: ['input', ...issue.path].join('.'),
      rule: issue.message,
    })),
  );
}
