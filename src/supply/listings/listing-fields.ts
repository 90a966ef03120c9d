import { z } from 'zod';
import { STORAGE_CLASSES } from '../../../db/schema';
import type { FieldIssue } from '../../errors';
import { ONE_LINE, OneLineText } from '../../validation';
import { LocationInput } from '../location-input';
import type { ListingWindow } from './listing-record';
import { addDays, CalendarDay } from './seoul-day';

/** The largest Korean logistics centres hold around 100,000 pallet positions; one listing is at most that. */
export const MAX_LISTING_PALLETS = 100_000;
/** Korean pallet storage costs a few hundred to a few thousand KRW per pallet-day; this bounds typos. */
export const MAX_PRICE_PER_PALLET_DAY_KRW = 100_000;
export const MAX_LISTING_WINDOWS = 50;
/** Availability is published at most two years ahead. */
export const LISTING_HORIZON_DAYS = 730;

const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM from 00:00 to 23:59');
/** Closing at midnight is written 24:00 (00:00 would close before it opens): 00:00-24:00 is open around the clock. */
const ClosingTime = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a time HH:MM from 00:00 to 24:00');

export const ListingWindowInput = z.object({
  from: CalendarDay,
  to: CalendarDay,
  idlePallets: z.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_LISTING_PALLETS, `must be at most ${MAX_LISTING_PALLETS}`),
});

/** Every field of a listing a WAREHOUSE_OWNER sets; the rules between fields are in `listingIssues`. */
export const ListingFields = z.object({
  name: OneLineText.min(2, 'must be 2 to 120 characters').max(120, 'must be 2 to 120 characters').regex(...ONE_LINE),
  location: LocationInput,
  storageClass: z.enum(STORAGE_CLASSES, `must be one of ${STORAGE_CLASSES.join(', ')}`),
  totalPallets: z.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_LISTING_PALLETS, `must be at most ${MAX_LISTING_PALLETS}`),
  availability: z
    .array(ListingWindowInput)
    .min(1, 'must hold at least one window (withdraw the listing to offer nothing)')
    .max(MAX_LISTING_WINDOWS, `must hold at most ${MAX_LISTING_WINDOWS} windows`),
  pricePerPalletDayKrw: z
    .number()
    .int('must be a whole number of KRW')
    .min(1, 'must be at least 1 KRW')
    .max(MAX_PRICE_PER_PALLET_DAY_KRW, `must be at most ${MAX_PRICE_PER_PALLET_DAY_KRW} KRW`),
  minDays: z.number().int('must be a whole number').min(1, 'must be at least 1').max(365, 'must be at most 365'),
  hasForklift: z.boolean(),
  hasDock: z.boolean(),
  opensAt: ClockTime,
  closesAt: ClosingTime,
});
export type ListingFields = z.output<typeof ListingFields>;

/**
 * Rules between fields of a whole listing (a new one, or an existing one with an update applied), reported
 * on the fields the caller sent: windows must lie ahead (from today, Asia/Seoul, up to the horizon), be ordered,
 * not overlap each other, and offer no more than the total pallet positions; opening precedes closing. A field missing
 * from `listing` (it failed its own rule, and is named already) skips the rules that need it.
 */
export function listingIssues(listing: Partial<ListingFields>, sent: ReadonlySet<keyof ListingFields>, today: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (listing.opensAt && listing.closesAt && listing.opensAt >= listing.closesAt) {
    issues.push(sent.has('closesAt') ? { field: 'input.closesAt', rule: 'must be later than opensAt' } : { field: 'input.opensAt', rule: 'must be earlier than closesAt' });
  }
  if (!listing.availability) return issues;
  if (sent.has('availability')) {
    issues.push(...windowIssues(listing.availability, listing.totalPallets, today));
  } else if (sent.has('totalPallets') && listing.totalPallets !== undefined) {
    // Days already past keep what was listed on them, whatever the space holds now.
    const mostIdle = Math.max(...listing.availability.filter((w) => w.to >= today).map((w) => w.idlePallets));
    if (mostIdle > listing.totalPallets) issues.push({ field: 'input.totalPallets', rule: `must be at least the idle pallets of every availability window (${mostIdle})` });
  }
  return issues;
}

function windowIssues(windows: ListingWindow[], totalPallets: number | undefined, today: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const horizon = addDays(today, LISTING_HORIZON_DAYS);
  windows.forEach((w, i) => {
    const at = `input.availability[${i}]`;
    if (w.from < today) issues.push({ field: `${at}.from`, rule: `must not be in the past (today is ${today} in Asia/Seoul)` });
    if (w.to < w.from) issues.push({ field: `${at}.to`, rule: 'must not be before from' });
    if (w.to > horizon) issues.push({ field: `${at}.to`, rule: `must be within ${LISTING_HORIZON_DAYS} days from today (${horizon})` });
    if (totalPallets !== undefined && w.idlePallets > totalPallets) issues.push({ field: `${at}.idlePallets`, rule: `must not exceed totalPallets (${totalPallets})` });
  });
  const order = windows.map((w, i) => ({ ...w, i })).sort((a, b) => a.from.localeCompare(b.from));
  for (let k = 1; k < order.length; k++) {
    const [prev, next] = [order[k - 1]!, order[k]!];
    if (next.from <= prev.to) issues.push({ field: `input.availability[${next.i}].from`, rule: `must not overlap window ${prev.i} (${prev.from} to ${prev.to})` });
  }
  return issues;
}
