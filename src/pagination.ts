import { z } from 'zod';
import { ValidationError } from './errors';

/** Largest page a client may ask for: bounds the work of one request. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export const PageArgs = z.object({
  first: z.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  after: z.string().max(200).nullish(),
});
export type PageArgs = z.input<typeof PageArgs>;

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

/** Cursors are opaque to clients; inside, they carry the sort key of the last row seen. */
export function encodeCursor(key: string | number): string {
  return Buffer.from(`c:${key}`).toString('base64url');
}

/** @throws ValidationError when the cursor was not made by encodeCursor. */
export function decodeCursor(cursor: string): string {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!raw.startsWith('c:')) throw new ValidationError([{ field: 'after', rule: 'must be a cursor returned by this API' }]);
  return raw.slice(2);
}

/** Builds a connection from rows fetched with `limit first + 1` (the extra row tells hasNextPage). */
export function toConnection<T>(rows: T[], first: number, cursorOf: (row: T) => string | number, totalCount: number, hasPrevious: boolean): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(cursorOf(node)), node }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: hasPrevious,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
