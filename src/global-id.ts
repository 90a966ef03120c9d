import { ValidationError } from './errors';

/** Opaque global IDs (`node(id:)`): base64url of `Type:localId`. Clients must not parse them. */
export function toGlobalId(type: string, id: number | string): string {
  return Buffer.from(`${type}:${id}`).toString('base64url');
}

/** Returns null for anything that is not a well-formed global ID. */
export function fromGlobalId(globalId: string): { type: string; id: string } | null {
  const raw = Buffer.from(globalId, 'base64url').toString('utf8');
  const colon = raw.indexOf(':');
  if (colon <= 0 || colon === raw.length - 1) return null;
  return { type: raw.slice(0, colon), id: raw.slice(colon + 1) };
}

/**
 * The local id inside a global ID of the expected type.
 * @throws ValidationError naming `field` when the ID is malformed or of another type.
 */
export function localIdOf(globalId: string, type: string, field: string): number {
  const parsed = fromGlobalId(globalId);
  const id = parsed?.type === type ? Number(parsed.id) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw new ValidationError([{ field, rule: `must be the ID of ${/^[AEIOU]/.test(type) ? 'an' : 'a'} ${type}` }]);
  return id;
}
