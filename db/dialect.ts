/**
 * The database this process runs on, chosen once from DATABASE_URL when the first module imports this one: a
 * `postgres://` (or `postgresql://`) URL means PostgreSQL, anything else SQLite at DATABASE_PATH. Tables and the
 * few statements SQLite and PostgreSQL spell differently are picked by it when their modules load (db/schema,
 * db/sql.ts), so the domain is written once.
 */
export type Dialect = 'sqlite' | 'pg';

export const isPostgresUrl = (url: string | undefined): boolean => /^postgres(ql)?:\/\//.test(url ?? '');

export const DIALECT: Dialect = isPostgresUrl(process.env.DATABASE_URL) ? 'pg' : 'sqlite';

/** The value for this process's dialect. */
export const perDialect = <T>(choices: Record<Dialect, T>): T => choices[DIALECT];
