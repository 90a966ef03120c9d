import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client';
import { transact, type Tx } from '../db/transaction';
import { idempotencyKeys } from '../db/schema';
import { ConflictError } from './errors';

/** Client-chosen, e.g. a UUID: 8–100 letters, digits, `-` or `_`. */
export const IdempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, 'must be 8–100 letters, digits, - or _ (a UUID works)');


/** Operations whose keys another mutation shares, named so in errors: routeAccept books through offerAccept. */
const SHARED_KEYS: Readonly<Record<string, string>> = { offerAccept: 'offerAccept or routeAccept' };
const named = (operation: string) => SHARED_KEYS[operation] ?? operation;

export interface IdempotentCall {
  organisationId: number;
  key: string | null | undefined;
  /** Name of the mutation, e.g. `shipmentRequestCreate`. */
  operation: string;
  /** The validated input; a retry must send the same. */
  input: unknown;
}

/** What an idempotent call answered: `fresh` when its own effect is the one that stands, not a retry's answer. */
export interface Answer<T> {
  result: T;
  fresh: boolean;
}

/** Claims the call's key for `result` in the open transaction; rejects when a first call holds it (rolling the effect back). */
export type Claim<T> = (result: T) => Promise<void>;

/**
 * Runs `effect` in a write transaction (`transact`) once per (organisation, key): a retry is answered with the first
 * call's stored outcome, and its own effect does not stand. Without a key the effect simply runs.
 *
 * The key is claimed as the transaction's last statement (`insert … on conflict do nothing`), not read before the
 * effect: a fresh call, nearly every call, pays one statement for it. An effect that knows its result before its last
 * writes may claim the key itself with `claim` (once, with the result it returns) to send the claim with them: on
 * PostgreSQL, one round trip fewer. A retry whose effect ran again finds the key taken and is rolled back; one whose
 * effect failed (the offer it accepts is no longer pending) is looked up after the rollback. A retry sent while the
 * first call is still running waits on the key's row, on PostgreSQL as on SQLite, and gets the first call's answer.
 * @throws ConflictError naming `input.idempotencyKey` when the key was used for another operation or with another
 *   input; else what the effect threw.
 */
export async function idempotent<T>(db: Db, call: IdempotentCall, effect: (tx: Tx, claim: Claim<T>) => Promise<T> | T): Promise<Answer<T>> {
  if (!call.key) return { result: await transact(db, (tx) => effect(tx, async () => {})), fresh: true };
  const key = { organisationId: call.organisationId, key: call.key };
  const fingerprint = createHash('sha256').update(JSON.stringify(call.input)).digest('hex');
  try {
    const result = await transact(db, async (tx) => {
      let claimed: { result: T; done: Promise<void> } | undefined;
      const claim: Claim<T> = (result) => {
        if (claimed && claimed.result !== result) throw new Error(`${call.operation} claimed its idempotency key twice`);
        claimed ??= {
          result,
          done: (async () => {
            const row = await tx.insert(idempotencyKeys).values({ ...key, operation: call.operation, fingerprint, result }).onConflictDoNothing().returning({ key: idempotencyKeys.key }).get();
            if (!row) throw new KeyTaken();
          })(),
        };
        claimed.done.catch(() => {}); // awaited below; an effect that throws first leaves it unawaited
        return claimed.done;
      };
      const result = await effect(tx, claim);
      await claim(result);
      return result;
    });
    return { result, fresh: true };
  } catch (error) {
    const first = await db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.organisationId, key.organisationId), eq(idempotencyKeys.key, key.key))).get();
    if (!first) throw error;
    if (first.operation !== call.operation) throw new ConflictError(`input.idempotencyKey: ${call.key} was already used for ${named(first.operation)}; send a new key for a new request`);
    if (first.fingerprint !== fingerprint) throw new ConflictError(`input.idempotencyKey: ${call.key} was already used for ${named(call.operation)} with other input; send a new key for a new request`);
    return { result: first.result as T, fresh: false };
  }
}

/** Rolls back a retry's effect: its key was claimed by the call it repeats. */
class KeyTaken extends Error {}
