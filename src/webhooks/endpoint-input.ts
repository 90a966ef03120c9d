import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES, type OrganisationRole } from '../../db/schema';
import type { Context } from '../context';
import { ValidationError } from '../errors';
import { ONE_LINE, OneLineText } from '../validation';
import { resolvedProblem, urlProblem, type AddressPolicy } from './address-rules';
import { EVENT_TYPE_ROLES, eventTypeName } from './event-types';

/** Most endpoints one organisation may register: each event is sent to every one of them. */
export const MAX_ENDPOINTS_PER_ORGANISATION = 10;

/**
 * One line: WHATWG URL parsing drops tabs and line breaks inside a URL, so one holding them would be listed as the
 * owner typed it while deliveries went to another address. Not OneLineText: a URL's spaces are its own (%20 each),
 * and one with two made one would be another address.
 */
export const WebhookUrl = z.string().trim().min(1).max(2000).regex(...ONE_LINE);
export const WebhookEventTypes = z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1).max(WEBHOOK_EVENT_TYPES.length);
/** Blank is no note (null), as a request's notes: left out (undefined) keeps the note at an update. */
export const WebhookDescription = OneLineText.max(200).regex(...ONE_LINE).transform((d) => d || null).nullish();

export function addressPolicy(ctx: Pick<Context, 'env'>): AddressPolicy {
  return { production: ctx.env.NODE_ENV === 'production', allowHttpLoopback: ctx.env.WEBHOOK_ALLOW_HTTP_LOOPBACK };
}

/**
 * Checks a URL against the address rules, resolving its host in production.
 * @throws ValidationError naming `input.url` and the rule it broke.
 */
export async function checkUrl(ctx: Pick<Context, 'env'>, url: string): Promise<void> {
  const policy = addressPolicy(ctx);
  const problem = urlProblem(url, policy) ?? (await resolvedProblem(url, policy));
  if (problem) throw new ValidationError([{ field: 'input.url', rule: problem }]);
}

/** @throws ValidationError naming `input.eventTypes` when the caller's role has no subscription giving one of them. */
export function checkEventTypes(role: OrganisationRole, eventTypes: readonly (keyof typeof EVENT_TYPE_ROLES)[]): void {
  const foreign = eventTypes.filter((t) => !EVENT_TYPE_ROLES[t].includes(role)).map(eventTypeName);
  if (foreign.length === 0) return;
  const theirs = WEBHOOK_EVENT_TYPES.filter((t) => EVENT_TYPE_ROLES[t].includes(role)).map(eventTypeName);
  const rule = `${foreign.join(', ')} ${foreign.length === 1 ? 'is' : 'are'} not sent to ${role} organisations, which receive ${theirs.join(', ')}`;
  throw new ValidationError([{ field: 'input.eventTypes', rule }]);
}
