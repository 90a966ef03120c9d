import { fillPlaceholders } from 'drizzle-orm';
import { PgDeleteBase, PgInsertBase, PgSelectBase, PgUpdateBase } from 'drizzle-orm/pg-core';
import type { NodePgPreparedQuery } from 'drizzle-orm/node-postgres';
import pg from 'pg';

/*
 * The domain is written once, in drizzle's SQLite call names: a query ends in `.all()` (rows), `.get()` (the first
 * row), `.run()` or `.values()` (rows as arrays), directly or on `.prepare()`. On PostgreSQL this module gives drizzle's
 * pg query builders those names, each returning a promise (the domain awaits every query), so the same calls run
 * there. Nothing else of drizzle changes: its own internals keep calling `execute`.
 */

/** int8 (`count(*)`, bigint columns) and numeric (`sum` of bigint) as numbers: every such value here is an id, a count, epoch ms or KRW, far below 2^53. */
pg.types.setTypeParser(pg.types.builtins.INT8, Number);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, Number);

type Params = Record<string, unknown> | undefined;

/** The internals of a node-postgres prepared query that `values()` needs: drizzle keeps an array-mode config for its own row mapping. */
interface PreparedInternals {
  client: pg.Pool | pg.PoolClient;
  params: unknown[];
  queryConfig: pg.QueryConfig;
}

class SqliteStylePrepared {
  constructor(private readonly query: NodePgPreparedQuery<never>) {}
  all(params?: Params) {
    return this.query.execute(params);
  }
  async get(params?: Params) {
    return ((await this.query.execute(params)) as unknown as unknown[])[0];
  }
  run(params?: Params) {
    return this.query.execute(params);
  }
  async values(params?: Params): Promise<unknown[][]> {
    const { client, params: bound, queryConfig } = this.query as unknown as PreparedInternals;
    return (await client.query<unknown[]>({ ...queryConfig, rowMode: 'array' }, fillPlaceholders(bound, params ?? {}))).rows;
  }
}

interface Preparable {
  _prepare(name?: string): NodePgPreparedQuery<never>;
}

for (const builder of [PgSelectBase, PgInsertBase, PgUpdateBase, PgDeleteBase]) {
  Object.assign(builder.prototype, {
    prepare(this: Preparable, name?: string) {
      return new SqliteStylePrepared(this._prepare(name));
    },
    all(this: Preparable) {
      return new SqliteStylePrepared(this._prepare()).all();
    },
    get(this: Preparable) {
      return new SqliteStylePrepared(this._prepare()).get();
    },
    run(this: Preparable) {
      return new SqliteStylePrepared(this._prepare()).run();
    },
    values(this: Preparable) {
      return new SqliteStylePrepared(this._prepare()).values();
    },
  });
}
