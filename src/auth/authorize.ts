import type { OrganisationRole } from '../../db/schema';
import type { Context, Viewer } from '../context';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../errors';

/** @throws UnauthenticatedError when the caller sent no valid API key. */
export function requireViewer(ctx: Pick<Context, 'viewer'>): Viewer {
  if (!ctx.viewer) throw new UnauthenticatedError();
  return ctx.viewer;
}

/** @throws UnauthenticatedError without a key; ForbiddenError when the caller's role is not one of `roles`. */
export function requireRole(ctx: Pick<Context, 'viewer'>, ...roles: OrganisationRole[]): Viewer {
  const viewer = requireViewer(ctx);
  if (!roles.includes(viewer.role)) throw new ForbiddenError(`Only ${listed(roles)} organisations may do this (this key's role: ${viewer.role})`);
  return viewer;
}

/**
 * The complex's own operators, and admins: who oversees a complex (rounds, activity, insights).
 * @throws UnauthenticatedError without a key; ForbiddenError for other roles and other complexes' operators.
 */
export function requireOverseer(ctx: Pick<Context, 'viewer'>, complex: { id: number }): Viewer {
  const viewer = requireRole(ctx, 'OPERATOR', 'ADMIN');
  if (viewer.role === 'OPERATOR' && viewer.complexId !== complex.id) throw new ForbiddenError('Operators oversee only their own complex');
  return viewer;
}

/** A record some organisation owns inside one complex. */
export interface Owned {
  ownerOrgId: number;
  complexId: number;
}

/** Whether the viewer may read a record: its owner, an operator of its complex, or an admin. */
export function canRead(viewer: Viewer, record: Owned): boolean {
  if (viewer.role === 'ADMIN') return true;
  if (viewer.role === 'OPERATOR') return viewer.complexId === record.complexId;
  return viewer.organisationId === record.ownerOrgId;
}

/**
 * Returns the record when the viewer may read it.
 * @throws NotFoundError otherwise: another tenant's record is indistinguishable from a missing one.
 */
export function readable<T extends Owned>(viewer: Viewer, record: T | undefined, what: string): T {
  if (!record || !canRead(viewer, record)) throw new NotFoundError(what);
  return record;
}

/**
 * Returns the record when the viewer owns it (operators and admins read, but do not edit, tenants' records).
 * @throws NotFoundError when the viewer cannot even read it; ForbiddenError when it can read but not change it.
 */
export function owned<T extends Owned>(viewer: Viewer, record: T | undefined, what: string): T {
  const visible = readable(viewer, record, what);
  if (visible.ownerOrgId !== viewer.organisationId) throw new ForbiddenError(`Only the owner may change this ${what.toLowerCase()}`);
  return visible;
}

/** `A`, `A or B`, `A, B or C`: roles as a sentence lists them. */
function listed(roles: readonly string[]): string {
  return roles.length > 1 ? `${roles.slice(0, -1).join(', ')} or ${roles.at(-1)}` : roles.join('');
}
