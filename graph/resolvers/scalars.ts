import { GraphQLScalarType, Kind } from 'graphql';
import type { Resolvers } from '../generated/resolvers-types';

/** Clients send ISO-8601 strings; resolvers see Date. */
const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An ISO-8601 date-time in UTC.',
  serialize: (value) => {
    const date = value instanceof Date ? value : new Date(value as string | number);
    if (Number.isNaN(date.getTime())) throw new TypeError('DateTime cannot represent an invalid date');
    return date.toISOString();
  },
  parseValue: (value) => parseIso(value),
  parseLiteral: (ast) => (ast.kind === Kind.STRING ? parseIso(ast.value) : parseIso(null)),
});

function parseIso(value: unknown): Date {
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw new TypeError('DateTime must be an ISO-8601 string such as 2026-11-21T09:30:00Z');
  return date;
}

export const scalarResolvers: Resolvers = { DateTime };
