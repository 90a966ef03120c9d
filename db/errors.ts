/** An error and its causes, outermost first: drizzle wraps PostgreSQL's errors (DrizzleQueryError), SQLite's not. */
function* chain(error: unknown): Generator<{ code?: string; message?: string }> {
  for (let e = error as { code?: string; message?: string; cause?: unknown } | undefined; e && typeof e === 'object'; e = e.cause as typeof e) yield e;
}

/** True for a UNIQUE or PRIMARY KEY violation, from SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  for (const e of chain(error)) if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.code === '23505') return true;
  return false;
}

/** True when SQLite waited its busy timeout for another process's write lock (SQLITE_BUSY): nothing was written. */
export function isDatabaseBusy(error: unknown): boolean {
  for (const e of chain(error)) if (e.code === 'SQLITE_BUSY') return true;
  return false;
}

/** True when PostgreSQL gave up a transaction that may succeed if run again (serialization failure, deadlock). */
export function isRetryable(error: unknown): boolean {
  for (const e of chain(error)) if (e.code === '40001' || e.code === '40P01') return true;
  return false;
}

/** True when PostgreSQL ignored a statement because an earlier one of its transaction had failed (25P02). */
export function isAfterFailure(error: unknown): boolean {
  for (const e of chain(error)) if (e.code === '25P02') return true;
  return false;
}

/**
 * The codes of a database that cannot be reached at the moment: the system's for a server down, restarting or out
 * of reach, PostgreSQL's for a server shutting down, starting up or out of connections (class 08 too, below).
 */
const AWAY_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);

/**
 * True when the database did not answer (PostgreSQL down, restarting or failing over), not that the statement was
 * wrong: the request may succeed sent again, and is no fault of the service's code. node-postgres' own errors for a
 * connection lost or not made in time have no code.
 */
export function isDatabaseAway(error: unknown): boolean {
  for (const e of chain(error)) {
    if (e.code !== undefined ? AWAY_CODES.has(e.code) || e.code.startsWith('08') : /^(Connection terminated|timeout exceeded when trying to connect)/.test(e.message ?? '')) return true;
  }
  return false;
}

/** The messages of an error and its causes: a trigger's refusal is the driver's own message. */
export function errorMessages(error: unknown): string[] {
  return [...chain(error)].flatMap((e) => (typeof e.message === 'string' ? [e.message] : []));
}

/**
 * Refuses a database that holds migrations this version does not know: a newer version migrated it, and this code
 * (a rollback of the sources after an upgrade's start) would read columns it never wrote and answer 500s while
 * /readyz said ready. An error with a code, so a start or a script ends on it in one line (connectOrRefusal).
 */
export function refuseNewerSchema(applied: number, known: number): void {
  if (applied <= known) return;
  throw Object.assign(
    new Error(`it holds ${applied} migrations and this version of the service knows ${known}: a newer version migrated it. Run that version, or restore the backup taken before the upgrade`),
    { code: 'SANDAN_NEWER_SCHEMA' },
  );
}
