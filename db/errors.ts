/** An error and its causes, outermost first: drizzle wraps PostgreSQL's errors (DrizzleQueryError), SQLite's not. */
function* chain(error: unknown): Generator<{ code?: string; message?: string }> {
  for (let e = error as { code?: string; message?: string; cause?: unknown } | undefined; e && typeof e === 'object'; e = e.cause as typeof e) yield e;
}

/** True for a UNIQUE or PRIMARY KEY violation, from SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  for (const e of chain(error)) if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.code === '23505') return true;
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
