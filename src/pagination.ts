import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from './errors';
import { isLocalId } from './global-id';

/** Largest page a client may ask for: bounds the work of one request. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export const PageArgs = z.object({
  // `first: null`, as GraphQL clients send an unset variable, asks for the default page as leaving it out does.
  first: z.preprocess((v) => v ?? undefined, z.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE)),
  // "" is no cursor this API wrote: read as the first page, a client's bug would go unseen.
  after: z.string().min(1, 'must be a cursor returned by this API, or null for the first page').max(200).nullish(),
});
export type PageArgs = z.input<typeof PageArgs>;

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  /** Awaited by GraphQL when a client asks for it. */
  totalCount: number | Promise<number>;
}

/** A count as a connection takes it: a number, or a function run only when a client reads `totalCount`. */
type Count = number | Promise<number> | (() => number | Promise<number>);

/** Whatever a cursor is not of this list (another list's, another filter's, another caller's, not this API's). */
const NOT_THIS_LIST = 'must be a cursor returned by this list with the same filter';

/** Which list, filter and caller a cursor is for: see cursorTag. */
export type CursorTag = string & { readonly cursorTag: unique symbol };

/**
 * The tag of a list's cursors: a short hash of the list's name, the caller's organisation (whose rows it lists;
 * null for a public list) and its filter (every argument but `first` and `after`; a null key is an absent one).
 * Any other tag refuses the cursor: there its key (a row id, a position) would silently start some other page.
 * Unkeyed: it catches mistakes and guards no secret (whatever the cursor, a caller gets only its own rows).
 */
export function cursorTag(list: string, organisationId: number | null, filter: unknown): CursorTag {
  const json = JSON.stringify([list, organisationId, filter], (_, v: unknown) => v ?? undefined);
  return createHash('sha256').update(json).digest('base64url').slice(0, 8) as CursorTag;
}

/** Cursors are opaque to clients; inside, they carry their list's tag and the sort key of the last row seen. */
export function encodeCursor(tag: CursorTag, key: string | number): string {
  return Buffer.from(`c:${tag}:${key}`).toString('base64url');
}

/** @throws ValidationError when the cursor was not made by encodeCursor with this tag. */
export function decodeCursor(tag: CursorTag, cursor: string): string {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  const prefix = `c:${tag}:`;
  if (!raw.startsWith(prefix)) throw new ValidationError([{ field: 'after', rule: NOT_THIS_LIST }]);
  return raw.slice(prefix.length);
}

/**
 * The row id a cursor of a list ordered by id holds.
 * @throws ValidationError for anything else.
 */
export function idOfCursor(tag: CursorTag, cursor: string): number {
  const raw = decodeCursor(tag, cursor);
  if (!/^\d{1,10}$/.test(raw) || !isLocalId(Number(raw))) throw new ValidationError([{ field: 'after', rule: NOT_THIS_LIST }]);
  return Number(raw);
}

type PageInfo = Connection<unknown>['pageInfo'];

/**
 * A connection whose count, passed as a function, runs only when a client reads `totalCount` (then once): most
 * pages never ask. A class, not an object literal with a getter: V8 allocated those long-lived, so that every
 * scavenge copied the pages they pointed to, and collecting garbage cost more than building the page.
 */
class Page<E> {
  #count: Count;
  constructor(
    readonly edges: E[],
    readonly pageInfo: PageInfo,
    totalCount: Count,
  ) {
    this.#count = totalCount;
  }
  get totalCount(): number | Promise<number> {
    if (typeof this.#count === 'function') this.#count = this.#count();
    return this.#count;
  }
}

/** Builds a connection from rows fetched with `limit first + 1` (the extra row tells hasNextPage); a count passed as a function runs only when read. */
export function toConnection<T>(tag: CursorTag, rows: T[], first: number, cursorOf: (row: T) => string | number, totalCount: Count, hasPrevious: boolean): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(tag, cursorOf(node)), node }));
  const pageInfo = {
    hasNextPage: rows.length > first,
    hasPreviousPage: hasPrevious,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges.at(-1)?.cursor ?? null,
  };
  return new Page(edges, pageInfo, totalCount);
}

/** An edge that may carry the distance from a `near` search point. */
export interface LocatedEdge<T> {
  cursor: string;
  node: T;
  /** Great-circle km from the search point; null when the query had no `near`. */
  distanceKm: number | null;
}
export type LocatedConnection<T> = Omit<Connection<T>, 'edges'> & { edges: LocatedEdge<T>[] };

/**
 * The sort key inside a cursor of this query; `valid` checks what the pattern cannot (a row id this API may have
 * issued), so that no key it never wrote reaches the database (PostgreSQL refuses an id past 32 bits).
 * @throws ValidationError when the cursor belongs to another list or filter (or was not made by this API).
 */
export function cursorKey(tag: CursorTag, after: string, pattern: RegExp, valid: (match: RegExpExecArray) => boolean = () => true): RegExpExecArray {
  const match = pattern.exec(decodeCursor(tag, after));
  if (!match || !valid(match)) throw new ValidationError([{ field: 'after', rule: NOT_THIS_LIST }]);
  return match;
}

const NEAR_CURSOR = /^near:(\d+)$/;

/** Where a distance-ordered page starts: the position its `after` cursor carries (0 without one). */
export function nearOffset(tag: CursorTag, after: string | null | undefined): number {
  return after ? Number(cursorKey(tag, after, NEAR_CURSOR)[1]) : 0;
}

/**
 * One page of hits ordered by distance; `load` turns the page's hits (light rows) into its nodes, in order.
 * Distances are no unique sort key, so these cursors carry the offset: a page may shift when requests come
 * or go between calls, as any distance-ordered feed does.
 */
export function nearPage<H, T>(tag: CursorTag, hits: { row: H; distanceKm: number }[], first: number, after: string | null | undefined, load: (rows: H[]) => Promise<T[]>): Promise<LocatedConnection<T>> {
  const offset = nearOffset(tag, after);
  return nearPageAt(tag, hits.slice(offset, offset + first + 1), offset, first, hits.length, load);
}

/**
 * nearPage for searches that find only the hits they show: `hits` are those from `offset` on, one more than
 * `first` when there are more; `totalCount`, passed as a function, runs only when a client reads it.
 */
export async function nearPageAt<H, T>(
  tag: CursorTag,
  hits: { row: H; distanceKm: number }[],
  offset: number,
  first: number,
  totalCount: Count,
  load: (rows: H[]) => Promise<T[]>,
): Promise<LocatedConnection<T>> {
  const page = hits.slice(0, first);
  const nodes = await load(page.map((h) => h.row));
  const edges = page.map((h, i) => ({ cursor: encodeCursor(tag, `near:${offset + i + 1}`), node: nodes[i]!, distanceKm: h.distanceKm }));
  const pageInfo = {
    hasNextPage: hits.length > first,
    hasPreviousPage: offset > 0,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges.at(-1)?.cursor ?? null,
  };
  return new Page(edges, pageInfo, totalCount);
}
/** A keyset connection's edges, without distances (its totalCount stays as lazy as it was). */
export function withoutDistance<T>(connection: Connection<T>): LocatedConnection<T> {
  return new Page(
    connection.edges.map(({ cursor, node }) => ({ cursor, node, distanceKm: null })), // written out: a spread cost ~1 µs an edge
    connection.pageInfo,
    () => connection.totalCount,
  );
}
