import { ValidationError } from './errors';

/** Opaque global IDs (`node(id:)`): base64url of `Type:localId`. Clients must not parse them. */
export function toGlobalId(type: string, id: number | string): string {
  return Buffer.from(`${type}:${id}`).toString('base64url');
}

/**
 * The type and row id of a global ID, or null for anything that is not one as toGlobalId writes it. One row has one
 * ID: `Offer:01`, `Offer: 1`, `Offer:0x1`, `Offer:1e0` or padded base64 would otherwise name offer 1 too, and
 * answer with an object whose ID is not the one asked for.
 */
export function fromGlobalId(globalId: string): { type: string; id: number } | null {
  const match = /^([^:]+):([1-9]\d{0,9})$/.exec(Buffer.from(globalId, 'base64url').toString('utf8'));
  const id = Number(match?.[2]);
  return match && isLocalId(id) && toGlobalId(match[1]!, id) === globalId ? { type: match[1]!, id } : null;
}

/** Ids are 32-bit integers on PostgreSQL: a larger one was never issued, and would fail the query that looks for it. */
export const MAX_LOCAL_ID = 2 ** 31 - 1;

/** Whether `id` is a row id this API may have issued: a whole number from 1 to MAX_LOCAL_ID. */
export function isLocalId(id: number): boolean {
  return Number.isSafeInteger(id) && id > 0 && id <= MAX_LOCAL_ID;
}

/**
 * The local id inside a global ID of the expected type.
 * @throws ValidationError naming `field` when the ID is malformed or of another type.
 */
export function localIdOf(globalId: string, type: string, field: string): number {
  const parsed = fromGlobalId(globalId);
  if (parsed?.type !== type) throw new ValidationError([{ field, rule: `must be the ID of ${/^[AEIOU]/.test(type) ? 'an' : 'a'} ${type}` }]);
  return parsed.id;
}

/**
 * The local id of an optional ID (a filter's), or null when it is left out or null. An empty string is no way to
 * leave a filter out: it names no row, and taking it for "any" would answer with the whole list.
 * @throws ValidationError as localIdOf does, an empty string included.
 */
export function optionalLocalIdOf(globalId: string | null | undefined, type: string, field: string): number | null {
  return globalId == null ? null : localIdOf(globalId, type, field);
}
