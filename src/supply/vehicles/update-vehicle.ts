import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { bookings, offers, shipmentRequests, vehicleReservations, vehicles } from '../../../db/schema';
import { lockingRows } from '../../../db/sql';
import type { Tx } from '../../../db/transaction';
import { requireRole } from '../../auth/authorize';
import type { Context } from '../../context';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../../errors';
import { IdempotencyKey, idempotent } from '../../idempotency';
import { falloutEvents } from '../../market/fallout';
import { withdrawPendingOffers } from '../../market/withdraw-offers';
import { publishAll, type Publication } from '../../pubsub';
import { changesSome, fieldChanges, parseInputBeforeRules } from '../../validation';
import { recordWebhookEvents } from '../../webhooks/record-event';
import { capacityIssues, PalletSlots, PayloadKg, RateCardFigures } from './vehicle-fields';
import { RETIRED_VEHICLE, selectVehiclesByIds, type VehicleRecord, type VehicleRow } from './vehicle-record';

/** The terms a carrier changes; those of register (class, body and plate are another truck), each a vehicle has. */
const TERMS = { payloadKg: PayloadKg, palletSlots: PalletSlots, hazmatCertified: z.boolean(), rateCard: fieldChanges(RateCardFigures, 'vehicle') };

/** Any of the vehicle's terms, and any figure of its rate card: left out, it keeps its value; null is refused by its name. */
export const UpdateVehicleInput = fieldChanges(TERMS, 'vehicle')
  .extend({ vehicleId: z.number().int().positive(), idempotencyKey: IdempotencyKey.nullish() })
  .refine(...changesSome(TERMS, 'vehicle'));
type OrNull<T> = { [K in keyof T]: T[K] | null };
/** As GraphQL passes it, any term or figure null (refused by its name). */
export type UpdateVehicleInput = OrNull<Omit<z.input<typeof UpdateVehicleInput>, 'rateCard'>> & { rateCard?: OrNull<NonNullable<z.input<typeof UpdateVehicleInput>['rateCard']>> | null };

type Terms = Partial<Pick<VehicleRow, 'payloadKg' | 'palletSlots' | 'hazmatCertified' | 'baseFeeKrw' | 'perKmKrw' | 'perStopFeeKrw' | 'waitingFeePerHourKrw'>>;

/**
 * Where the vehicle's held bookings (not ended) would not fit `after`, one issue per field: the most kg and pallets
 * on board at once, and dangerous goods once uncertified. The load peaks at the start of some reservation (those begun
 * before now are all still on board at now), so the starts are the instants to add up, as the capacity trigger does.
 */
async function bookedIssues(tx: Tx, vehicleId: number, after: VehicleRow, now: Date): Promise<FieldIssue[]> {
  const held = await tx
    .select({ startsAt: vehicleReservations.startsAt, endsAt: vehicleReservations.endsAt, weightKg: vehicleReservations.weightKg, pallets: vehicleReservations.pallets, cargoClass: shipmentRequests.cargoClass })
    .from(vehicleReservations)
    .innerJoin(bookings, eq(bookings.id, vehicleReservations.bookingId))
    .innerJoin(shipmentRequests, eq(shipmentRequests.id, bookings.requestId))
    .where(and(eq(vehicleReservations.vehicleId, vehicleId), isNull(vehicleReservations.releasedAt), gt(vehicleReservations.endsAt, now)))
    .orderBy(asc(vehicleReservations.startsAt))
    .all();
  const most = { kg: { n: 0, at: now }, pallets: { n: 0, at: now } };
  for (const { startsAt: t } of held) {
    const aboard = held.filter((h) => h.startsAt <= t && t < h.endsAt);
    const kg = aboard.reduce((n, h) => n + h.weightKg, 0);
    const pallets = aboard.reduce((n, h) => n + h.pallets, 0);
    if (kg > most.kg.n) most.kg = { n: kg, at: t };
    if (pallets > most.pallets.n) most.pallets = { n: pallets, at: t };
  }
  const since = (at: Date) => (at > now ? at : now).toISOString();
  const issues: FieldIssue[] = [];
  if (after.payloadKg < most.kg.n) {
    issues.push({ field: 'input.payloadKg', rule: `must be at least ${most.kg.n} kg: its bookings put that much on board at once (from ${since(most.kg.at)}); give them back first` });
  }
  if (after.palletSlots < most.pallets.n) {
    issues.push({ field: 'input.palletSlots', rule: `must be at least ${most.pallets.n} pallets: its bookings put that many on board at once (from ${since(most.pallets.at)}); give them back first` });
  }
  const hazmat = held.find((h) => h.cargoClass === 'HAZMAT');
  if (!after.hazmatCertified && hazmat) {
    issues.push({ field: 'input.hazmatCertified', rule: `must stay true: it is booked to carry HAZMAT cargo (from ${since(hazmat.startsAt)}); give that booking back first` });
  }
  return issues;
}

/**
 * CARRIER: changes the rate card, payload, pallet slots or hazmat certification of its ACTIVE vehicle, by register's
 * rules for its tonnage class. Offers pending on it were priced and planned on the old terms: any change withdraws them
 * (a pooled route's whole load; their requests return to the next round, priced on the new card), and their suppliers
 * are told; bookings keep the prices agreed. Terms sent as they are change nothing and withdraw nothing. A retry with
 * the same idempotency key returns the vehicle and changes nothing.
 * @throws ForbiddenError for other roles; NotFoundError for an unknown vehicle or another carrier's; ConflictError for a
 *   retired one, or when the key was used with another input; ValidationError naming each failing field, among them a
 *   payload or slot count below what its bookings put on board at once, or a certification dropped while it is booked
 *   for HAZMAT cargo.
 */
export async function updateVehicle({ ctx, input }: { ctx: Context; input: UpdateVehicleInput }): Promise<VehicleRecord> {
  const viewer = requireRole(ctx, 'CARRIER');
  // A refused change hears of its class's bounds too; the figures it keeps passed them when they were set.
  const { vehicleId, idempotencyKey, rateCard, ...capacity } = await parseInputBeforeRules(UpdateVehicleInput, input, async (fields) => {
    const current = fields.vehicleId && (await ctx.db.select({ tonnageClass: vehicles.tonnageClass }).from(vehicles).where(and(eq(vehicles.id, fields.vehicleId), eq(vehicles.carrierOrgId, viewer.organisationId))).get());
    return current ? capacityIssues(current.tonnageClass, fields.payloadKg, fields.palletSlots) : [];
  });
  const sent = Object.fromEntries(Object.entries({ ...capacity, ...rateCard }).filter(([, v]) => v !== undefined)) as Terms;
  let told: Publication[] = [];
  const call = { organisationId: viewer.organisationId, key: idempotencyKey, operation: 'vehicleUpdate', input: { vehicleId, ...sent } };
  const { fresh } = await idempotent(ctx.db, call, async (tx) => {
    const now = ctx.now();
    // Locked as a booking's capacity trigger locks it (PostgreSQL): an accept racing this either committed its hold
    // before (counted below) or waits, then checks its load against the new capacity.
    const current = await lockingRows(tx.select().from(vehicles).where(and(eq(vehicles.id, vehicleId), eq(vehicles.carrierOrgId, viewer.organisationId)))).get();
    if (!current) throw new NotFoundError('Vehicle');
    if (current.status !== 'ACTIVE') throw new ConflictError(RETIRED_VEHICLE);
    const changed = Object.fromEntries(Object.entries(sent).filter(([k, v]) => current[k as keyof Terms] !== v)) as Terms;
    // The terms it has (a form saved unchanged): its offers stand.
    if (Object.keys(changed).length === 0) return vehicleId;
    const after = { ...current, ...changed };
    // Its bookings are read once the class's bounds pass: a field below both is named once, by the bound.
    const outOfClass = capacityIssues(after.tonnageClass, after.payloadKg, after.palletSlots);
    const issues = outOfClass.length > 0 ? outOfClass : await bookedIssues(tx, vehicleId, after, now);
    if (issues.length > 0) throw new ValidationError(issues);
    await tx.update(vehicles).set(changed).where(eq(vehicles.id, vehicleId)).run();
    // A request's other leg, booked by another supplier, goes back with its offer: the suppliers of both are told.
    told = falloutEvents(await withdrawPendingOffers(tx, eq(offers.vehicleId, vehicleId), now, 'vehicleChanged'));
    await recordWebhookEvents(tx, told, now);
    return vehicleId;
  });
  if (fresh) publishAll(ctx.pubsub, told);
  return (await selectVehiclesByIds(ctx, viewer, [vehicleId]))[0]!;
}
