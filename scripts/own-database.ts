/**
 * The simulation and the benches play on throwaway databases of their own, never on the service's: imported first
 * by each, before anything reads DATABASE_URL (db/dialect.ts), this drops the shell's, so that a shell configured
 * for PostgreSQL still simulates and measures (a bench had written its thousands of offers and bookings into the
 * service's database). A bench's --pg half, itself again as a child, gets its throwaway cluster through
 * `onOwnDatabase`.
 */
const own = process.env.OWN_DATABASE_URL;
if (own) process.env.DATABASE_URL = own;
else delete process.env.DATABASE_URL;

/** The environment of a child script that runs on `url`, a throwaway cluster of the script's own. */
export const onOwnDatabase = (url: string): NodeJS.ProcessEnv => ({ ...process.env, OWN_DATABASE_URL: url });
