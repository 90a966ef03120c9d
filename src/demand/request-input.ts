import { z } from 'zod';
import { BODY_TYPES, CARGO_CLASSES, LOADING_METHODS, STORAGE_CLASSES, type CargoClass, type LoadingMethod, type StorageClass } from '../../db/schema';
import type { LatLng } from '../geo/distance';
import { IdempotencyKey } from '../idempotency';
import { cargoFitsBody, storageClassAllows } from '../matching/engine';
import { canLoad, DEFAULT_LOADING_METHOD } from '../supply/loading-methods';
import { LocationInput } from '../supply/location-input';
import { DAY_MS } from '../time';
import { labelEn, LARGEST_CLASS } from '../supply/vehicle-classes';
import { changesSome, fieldChanges, FREE_TEXT } from '../validation';

/**
 * Destinations must lie in this box: South Korea from Jeju (33.1°N) to the DMZ (38.6°N), Baengnyeong-do
 * (124.6°E) to Ulleung-do (130.9°E), less the two neighbours inside it (below). Coarse on purpose (it holds sea):
 * it catches swapped or mistyped coordinates and another country, not every impossible address.
 */
export const KOREA_BOUNDS = { minLat: 33, maxLat: 38.7, minLng: 124.5, maxLng: 131 } as const;

/**
 * North Korea's edge, [lng, lat] west to east: north of it is the North. The Northern Limit Line past the five West
 * Sea islands (Baengnyeong-do west of 124.9°E), the Han estuary, then the Military Demarcation Line from Panmunjom
 * to the east coast at Goseong; within the DMZ's 2 km either side of the line, which nobody delivers to.
 */
const NORTH_KOREA_EDGE: readonly (readonly [number, number])[] = [
  [124.5, 38.03], [124.9, 38.03], [124.95, 37.73], [125.7, 37.71], [126.0, 37.76], [126.25, 37.83], [126.5, 37.79],
  [126.62, 37.78], [126.68, 37.95], [127.0, 38.12], [127.15, 38.28], [127.5, 38.32], [128.1, 38.33], [128.25, 38.45],
  [128.36, 38.61], [131, 38.62],
];
/** The Korea Strait's middle, [lat, lng] south to north: east of it is Japan (Tsushima, Kyushu, Honshu's tip). */
const JAPAN_EDGE: readonly (readonly [number, number])[] = [[33, 128.2], [34.55, 129.05], [35.3, 129.7], [36.2, 131]];

/** The polyline's value at `x`, its points [x, y] in increasing x; its ends held flat beyond them. */
function along(line: readonly (readonly [number, number])[], x: number): number {
  const after = line.findIndex(([px]) => px >= x);
  if (after <= 0) return after === 0 ? line[0]![1] : line.at(-1)![1];
  const [x0, y0] = line[after - 1]!;
  const [x1, y1] = line[after]!;
  return y0 + ((x - x0) / (x1 - x0)) * (y1 - y0);
}

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

/** In South Korea or its waters: the box, neither north of the North's edge nor across the Korea Strait. */
export function inKorea(p: LatLng): boolean {
  const inBox = p.lat >= KOREA_BOUNDS.minLat && p.lat <= KOREA_BOUNDS.maxLat && p.lng >= KOREA_BOUNDS.minLng && p.lng <= KOREA_BOUNDS.maxLng;
  return inBox && p.lat <= along(NORTH_KOREA_EDGE, p.lng) && p.lng <= along(JAPAN_EDGE, p.lat);
}

/** The rule `inKorea` checks, as a field's issue says it. */
export const IN_KOREA_RULE = `South Korea (lat ${KOREA_BOUNDS.minLat}–${KOREA_BOUNDS.maxLat}, lng ${KOREA_BOUNDS.minLng}–${KOREA_BOUNDS.maxLng}), south of the DMZ and west of the Korea Strait`;

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
