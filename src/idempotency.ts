import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../db/transaction';
import { idempotencyKeys } from '../db/schema';
import { ConflictError } from './errors';

/** Client-chosen, e.g. a UUID: 8–100 letters, digits, `-` or `_`. */
export const IdempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, 'must be 8–100 letters, digits, - or _ (a UUID works)');


export interface IdempotentCall {
  organisationId: number;
  key: string | null | undefined;
  /** Name of the mutation, e.g. `shipmentRequestCreate`. */
  operation: string;
  /** The validated input; a retry must send the same. */
  input: unknown;
}

/**
 * Runs `effect` once per (organisation, key), inside the caller's transaction: a retry returns the
 * first outcome without running it again. Without a key the effect simply runs.
 * @throws ConflictError when the key was used for another operation or with another input.
 */
export async function once<T>(tx: Tx, call: IdempotentCall, effect: () => Promise<T> | T): Promise<T> {
  if (!call.key) return effect();
  const fingerprint = createHash('sha256').update(JSON.stringify(call.input)).digest('hex');
  const previous = await tx
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.organisationId, call.organisationId), eq(idempotencyKeys.key, call.key)))
    .get();
  if (previous) {
    if (previous.operation !== call.operation || previous.fingerprint !== fingerprint) {
      throw new ConflictError(`Idempotency key ${call.key} was already used with a different request`);
    }
    return previous.result as T;
  }
  const result = await effect();
  await tx.insert(idempotencyKeys).values({ organisationId: call.organisationId, key: call.key, operation: call.operation, fingerprint, result }).run();
  return result;
}
