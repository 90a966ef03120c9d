import { z } from 'zod';
import { BODY_TYPES, CARGO_CLASSES, LOADING_METHODS, STORAGE_CLASSES, type CargoClass, type LoadingMethod, type StorageClass } from '../../db/schema';
import type { LatLng } from '../geo/distance';
import { IN_KOREA_RULE, inKorea } from '../geo/korea';
import { IdempotencyKey } from '../idempotency';
import { cargoFitsBody, storageClassAllows } from '../matching/engine';
import { canLoad, DEFAULT_LOADING_METHOD } from '../supply/loading-methods';
import { LocationInput } from '../supply/location-input';
import { DAY_MS } from '../time';
import { labelEn, LARGEST_CLASS } from '../supply/vehicle-classes';
import { changesSome, fieldChanges, FREE_TEXT } from '../validation';


export const MAX_NOTES_LENGTH = 500;
/** Longest storage stay one request may ask for; longer is a lease, not a shipment. */
export const MAX_STORAGE_DAYS = 365;
/**
 * Latest deadline after the pickup window's end. The longest trip, from a complex to the far corner of Korea (860 road
 * km at the engine's 45 km/h), is under two days of 13 hours' driving, and a storage need does not move it (the stay
 * starts on the pickup day, the truck unloading at the warehouse that day); a week leaves a shipper slack to let loads
 * pool, and later is a date typed wrong (9999 for 2026), which would stand on every screen as a promise nobody made.
 */
export const MAX_DELIVERY_DAYS_AFTER_PICKUP = 7;
/** Sanity ceiling on a price limit (1,000,000,000 KRW): above any one truckload's freight. */
export const MAX_PRICE_KRW = 1_000_000_000;


/**
 * Storage classes that may hold `cargo`: the matching engine's own rule, so that every storage need a
 * request states can be served by some listing (e.g. CHILLED cargo only in CHILLED rooms: a FROZEN room at
 * -18 °C would spoil it; FROZEN only in FROZEN; HAZMAT only in HAZMAT).
 */
export function storageClassesFor(cargo: CargoClass): StorageClass[] {
  return STORAGE_CLASSES.filter((s) => storageClassAllows(cargo, s, s));
}

const LoadingMethodInput = z
  .enum(LOADING_METHODS)
  .nullish()
  .transform((m) => m ?? DEFAULT_LOADING_METHOD);

/** Why `method` can never load `cargo` (no body the cargo may ride in is one the method reaches), or null. */
function loadingIssue(cargo: CargoClass, method: LoadingMethod): string | null {
  const bodies = BODY_TYPES.filter((b) => cargoFitsBody(cargo, b, true) === null);
  if (bodies.some((b) => canLoad(method, b))) return null;
  return `${method} cannot load ${bodies.join(' or ')}, the bodies ${cargo} cargo travels in: use ${LOADING_METHODS.filter((m) => bodies.some((b) => canLoad(m, b))).join(' or ')}`;
}

/** One end of a shipment: a point, or the complex's joint logistics centre. */
export type Place = { centre: true } | ({ centre: false } & LatLng);

const PlaceInput = z
  .object({ lat: LocationInput.shape.lat.nullish(), lng: LocationInput.shape.lng.nullish(), centre: z.boolean().nullish() })
  .transform((p, ctx): Place => {
    if (p.centre === true && p.lat == null && p.lng == null) return { centre: true };
    if (!p.centre && p.lat != null && p.lng != null) return { centre: false, lat: p.lat, lng: p.lng };
    ctx.addIssue({ code: 'custom', message: 'must be either { lat, lng } or { centre: true }: exactly one of the two' });
    return z.NEVER;
  });

const largest = `the largest vehicle (${labelEn(LARGEST_CLASS)}: ${LARGEST_CLASS.payloadKg.toLocaleString('en')} kg, ${LARGEST_CLASS.palletSlots} pallets)`;

const StorageNeedInput = z.object({
  pallets: z.number().int().positive(),
  days: z.number().int().positive().max(MAX_STORAGE_DAYS),
  storageClass: z.enum(STORAGE_CLASSES),
  splitAllowed: z.boolean().nullish().transform((v) => v ?? false),
});

/**
 * The rules between a request's terms, over those given: a rule that needs a term left out (one that failed its own
 * rule, named already) is skipped, so that a refusal names these beside the fields' own issues.
 */
export function termIssues(r: Partial<ShipmentRequestData>): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  if (r.deliverBy && r.pickupWindow) {
    if (r.deliverBy < r.pickupWindow.until) issues.push({ path: ['deliverBy'], message: 'must not be before pickupWindow.until' });
    else if (r.deliverBy.getTime() > r.pickupWindow.until.getTime() + MAX_DELIVERY_DAYS_AFTER_PICKUP * DAY_MS) {
      issues.push({ path: ['deliverBy'], message: `must be at most ${MAX_DELIVERY_DAYS_AFTER_PICKUP} days after pickupWindow.until` });
    }
  }
  if (!r.cargoClass) return issues;
  for (const end of ['loadingAtOrigin', 'loadingAtDestination'] as const) {
    const issue = r[end] && loadingIssue(r.cargoClass, r[end]);
    if (issue) issues.push({ path: [end], message: issue });
  }
  if (!r.storage) return issues;
  // Storage holds (part of) this shipment: the goods moved to the warehouse instead of the destination.
  if (r.pallets !== undefined && r.storage.pallets > r.pallets) issues.push({ path: ['storage', 'pallets'], message: "must not exceed the request's pallets" });
  const allowed = storageClassesFor(r.cargoClass);
  if (!allowed.includes(r.storage.storageClass)) issues.push({ path: ['storage', 'storageClass'], message: `must suit ${r.cargoClass} cargo: ${allowed.join(' or ')}` });
  return issues;
}

/**
 * A new shipment request as the manufacturer sends it. Checks everything that needs neither the clock nor
 * the caller's complex; `checkInContext` (request-context.ts) does the rest.
 */
export const CreateShipmentRequestInput = z
  .object({
    idempotencyKey: IdempotencyKey,
    origin: PlaceInput,
    destination: PlaceInput.refine(
      (p) => p.centre || inKorea(p),
      `must be in ${IN_KOREA_RULE}`,
    ),
    weightKg: z.number().int().positive().max(LARGEST_CLASS.payloadKg, `must fit ${largest}`),
    /** Korean standard T-11 pallets (1100 x 1100 mm). */
    pallets: z.number().int().positive().max(LARGEST_CLASS.palletSlots, `must fit ${largest}`),
    cargoClass: z.enum(CARGO_CLASSES),
    loadingAtOrigin: LoadingMethodInput,
    loadingAtDestination: LoadingMethodInput,
    pickupWindow: z.object({ from: z.date(), until: z.date() }).refine((w) => w.from < w.until, { path: ['until'], message: 'must be after pickupWindow.from' }),
    deliverBy: z.date(),
    storage: StorageNeedInput.nullish().transform((s) => s ?? null),
    maxPriceKrw: z.number().int().positive().max(MAX_PRICE_KRW).nullish().transform((v) => v ?? null),
    notes: z
      .string()
      .trim()
      .max(MAX_NOTES_LENGTH)
      .regex(...FREE_TEXT)
      .nullish()
      .transform((v) => v || null),
  })
  .superRefine((r, ctx) => {
    for (const { path, message } of termIssues(r)) ctx.addIssue({ code: 'custom', path, message });
  });
export type CreateShipmentRequestInput = z.input<typeof CreateShipmentRequestInput>;
export type ShipmentRequestData = z.output<typeof CreateShipmentRequestInput>;

const { idempotencyKey: _key, ...TERMS } = CreateShipmentRequestInput.shape;

/**
 * A shipper's change to its request: the fields given replace the request's (null clears `storage`, `maxPriceKrw`,
 * `notes`, and resets a loading method to its default; a term create requires is refused as null by its name). Each
 * field is checked by create's own rule here, the result as a whole by CreateShipmentRequestInput and checkInContext
 * (update-shipment-request.ts).
 */
export const UpdateShipmentRequestInput = fieldChanges(TERMS, 'request')
  .extend({ id: z.number().int().positive(), idempotencyKey: IdempotencyKey })
  .refine(...changesSome(TERMS, 'request'));
/** As GraphQL passes it, any field null (refused by the field's own rule where it may not be removed). */
export type UpdateShipmentRequestInput = { [K in keyof z.input<typeof UpdateShipmentRequestInput>]: z.input<typeof UpdateShipmentRequestInput>[K] | null };
