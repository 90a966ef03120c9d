import { z } from 'zod';
import { listingAvailability, warehouseListings } from '../../../db/schema';
import { requireRole } from '../../auth/authorize';
import type { Context } from '../../context';
import type { ComplexActivityEvent } from '../../pubsub';
import { recordWebhookEvent } from '../../webhooks/record-event';
import { IdempotencyKey, idempotent } from '../../idempotency';
import { parseInput } from '../../validation';
import { locationColumns } from '../location-input';
import { regionIssue } from '../service-region';
import { complexCodeOf } from '../../complexes/complex-code';
import { ListingFields, listingIssues } from './listing-fields';
import { selectListingsByIds, type ListingRecord } from './listing-record';
import { seoulDay } from './seoul-day';
import { activityId, listingPublishedLine } from '../../complexes/activity-lines';

export const CreateListingInput = ListingFields.extend({
  minDays: ListingFields.shape.minDays.nullish().transform((v) => v ?? 1),
  hasForklift: z.boolean().nullish().transform((v) => v ?? false),
  hasDock: z.boolean().nullish().transform((v) => v ?? false),
  idempotencyKey: IdempotencyKey.nullish(),
});
export type CreateListingInput = z.input<typeof CreateListingInput>;

const ALL_FIELDS = new Set(Object.keys(ListingFields.shape) as (keyof ListingFields)[]);

/**
 * WAREHOUSE_OWNER: publishes idle space in its own complex, with its availability windows. A retry with the
 * same idempotency key returns the listing it first created.
 * @throws ForbiddenError for other roles; ValidationError naming each failing field;
 *   ConflictError when the idempotency key was used with another input.
 */
export async function createListing({ ctx, input }: { ctx: Context; input: CreateListingInput }): Promise<ListingRecord> {
  const viewer = requireRole(ctx, 'WAREHOUSE_OWNER');
  const complexId = viewer.complexId!;
  const { idempotencyKey, ...data } = parseInput(CreateListingInput, input, (fields) => [
    ...listingIssues(fields, ALL_FIELDS, seoulDay(ctx.now())),
    ...(fields.location ? [regionIssue(ctx.db, complexId, fields.location, 'input.location')].filter((issue) => issue !== null) : []),
  ]);

  let created: ComplexActivityEvent | undefined;
  const { result: { listingId }, fresh } = await idempotent(ctx.db, { organisationId: viewer.organisationId, key: idempotencyKey, operation: 'warehouseListingCreate', input: data }, async (tx) => {
    // One reading of the clock: the listing's createdAt, the line it tells and its webhook's timestamp say the same instant.
    const now = ctx.now();
    const { id } = (await tx
      .insert(warehouseListings)
      .values({
        ownerOrgId: viewer.organisationId,
        complexId,
        createdAt: now,
        name: data.name,
        ...locationColumns(data.location),
        storageClass: data.storageClass,
        totalPallets: data.totalPallets,
        pricePerPalletDayKrw: data.pricePerPalletDayKrw,
        minDays: data.minDays,
        hasForklift: data.hasForklift,
        hasDock: data.hasDock,
        opensAt: data.opensAt,
        closesAt: data.closesAt,
      })
      .returning({ id: warehouseListings.id })
      .get())!;
    await tx
      .insert(listingAvailability)
      .values(data.availability.map((w) => ({ listingId: id, fromDay: w.from, toDay: w.to, idlePallets: w.idlePallets })))
      .run();
    created = {
      id: activityId('LISTING_PUBLISHED', id),
      complexCode: complexCodeOf(ctx, complexId),
      kind: 'LISTING_PUBLISHED',
      at: now,
      ...listingPublishedLine({ totalPallets: data.totalPallets, storageClass: data.storageClass, pricePerPalletDayKrw: data.pricePerPalletDayKrw }),
    };
    await recordWebhookEvent(tx, 'complexActivity', created, created.at);
    return { listingId: id };
  });
  if (fresh && created) ctx.pubsub.publish('complexActivity', created);
  const [listing] = await selectListingsByIds(ctx, viewer, [listingId]);
  return listing!;
}
