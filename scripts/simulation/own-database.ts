/**
 * The simulation plays its week on a throwaway SQLite file of its own (or --keep-db's), never on the service's
 * database: imported first by scripts/simulate.ts, before anything reads DATABASE_URL (db/dialect.ts), so that a
 * shell configured for PostgreSQL still simulates.
 */
delete process.env.DATABASE_URL;
