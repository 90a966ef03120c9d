/**
 * Bookings and offers run newest first, as the other lists of a marketplace do: after years of history a caller's
 * newest booking is on the first page, not a thousand pages in. Every caller, every filter; pages keyed by id.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoHistory } from '../../scripts/demo/seed-demo-history';
import { parseEnv } from '../../src/env';
import { fromGlobalId } from '../../src/global-id';
import { createLogger } from '../../src/logger';
import { cursorTag, encodeCursor } from '../../src/pagination';
import { gql } from '../helpers/clients';
import { startTestServer, tempDir, type TestServer } from '../helpers/server';

const REFUSED = { code: 'BAD_USER_INPUT', issues: [{ field: 'after', rule: 'must be a cursor returned by this list with the same filter' }] };
const ROLES = ['OPERATOR', 'CARRIER', 'MANUFACTURER', 'WAREHOUSE_OWNER'] as const;

type Row = { id: string; status: string; ref: string; route: string | null; listing: string | null; round?: string };
type Page = { totalCount: number; edges: { node: Row }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
const PAGE = 'totalCount pageInfo { hasNextPage endCursor }';
const LISTS = {
  bookings: {
    query: `query ($filter: BookingFilter, $first: Int, $after: String) { list: bookings(filter: $filter, first: $first, after: $after) {
      edges { node { id status ref: shipmentRequestId route: routeId listing: listingId } } ${PAGE} } }`,
    /** Each filter a booking list takes, as it would select `row`. */
    filters: (row: Row) => [{}, { status: row.status }, { shipmentRequestId: row.ref }, { routeId: row.route }, { listingId: row.listing }],
  },
  offers: {
    query: `query ($filter: OfferFilter, $first: Int, $after: String) { list: offers(filter: $filter, first: $first, after: $after) {
      edges { node { id status ref: requestId route: routeId listing: listingId round: roundId } } ${PAGE} } }`,
    filters: (row: Row) => [{}, { status: row.status }, { requestId: row.ref }, { roundId: row.round }],
  },
};

const localId = (id: string) => fromGlobalId(id)!.id;

describe('bookings and offers', () => {
  const tmp = tempDir();
  let server: TestServer;
  const list = async (name: keyof typeof LISTS, apiKey: string, variables: Record<string, unknown>) => (await gql<{ list: Page }>(server.url, LISTS[name].query, variables, { apiKey })).body;
  /** The demo key of `role` (of any complex) with the longest list: the history leaves some callers none. */
  const busiest = async (name: keyof typeof LISTS, role: (typeof ROLES)[number]) => {
    const counted = await Promise.all(server.demoKeys.filter((k) => k.role === role).map(async (k) => ({ k, n: (await list(name, k.apiKey, { first: 1 })).data!.list.totalCount })));
    return counted.sort((a, b) => b.n - a.n)[0]!.k;
  };

  beforeAll(async () => {
    server = await startTestServer({ dbPath: join(tmp.dir, 'newest.db') });
    const env = parseEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', POD_STORAGE_DIR: join(tmp.dir, 'pod') });
    await seedDemoHistory({ ctx: { db: server.db, pubsub: server.pubsub, logger: createLogger('silent'), env, now: () => new Date() }, input: { seed: 42 } });
  }, 60_000);
  afterAll(async () => {
    await server.stop();
    tmp.remove();
  });

  describe.each(ROLES)('of a %s', (role) => {
    it.each(['bookings', 'offers'] as const)('%s come newest first, with every filter, and page through each row once', async (name) => {
      const { apiKey } = await busiest(name, role);
      const whole = (await list(name, apiKey, { first: 100 })).data!.list;
      expect(whole.edges.length, 'the demo history gives every caller a few').toBeGreaterThan(1);
      const ids = whole.edges.map((e) => localId(e.node.id));
      expect(ids, 'the newest first').toEqual([...ids].sort((a, b) => b - a));
      // The one kept for the filters below is of some age: an older row of the same request, route or round follows it.
      const row = whole.edges[Math.floor(whole.edges.length / 2)]!.node;
      for (const filter of LISTS[name].filters(row)) {
        if (Object.values(filter).some((v) => v == null)) continue;
        const seen: number[] = [];
        let after: string | null = null;
        let totalCount = 0;
        do {
          const body: { data?: { list: Page } | null; errors?: unknown } = await list(name, apiKey, { filter, first: 3, after });
          expect(body.errors, JSON.stringify(filter)).toBeUndefined();
          const page = body.data!.list;
          seen.push(...page.edges.map((e) => localId(e.node.id)));
          totalCount = page.totalCount;
          after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
        } while (after);
        expect(seen, JSON.stringify(filter)).toEqual([...new Set(seen)].sort((a, b) => b - a));
        expect(seen, JSON.stringify(filter)).toContain(localId(row.id));
        expect(seen.length, JSON.stringify(filter)).toBe(totalCount);
      }
    });
  });

  it.each(['bookings', 'offers'] as const)('refuse a cursor of the old oldest-first %s list naming after, not page it the wrong way', async (name) => {
    const { organisationId, apiKey } = server.keyOf('OPERATOR');
    const newest = (await list(name, apiKey, { first: 3 })).data!.list.edges.at(-1)!.node;
    // What the list wrote when it ran oldest first: its name, the caller and its (empty) filter, and the last id seen.
    const old = encodeCursor(cursorTag(name, organisationId, {}), localId(newest.id));
    expect((await list(name, apiKey, { first: 3, after: old })).errors?.[0]?.extensions).toEqual(REFUSED);
  });
});
