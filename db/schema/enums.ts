import { sql } from 'drizzle-orm';
import { customType } from 'drizzle-orm/sqlite-core';

/** Value sets stored as text with CHECK constraints, or as codes (codedEnum); the domain and GraphQL enums use the same spellings. */
export const TONNAGE_CLASSES = ['T1', 'T1_4', 'T2_5', 'T3_5', 'T5', 'T11', 'T25'] as const;
export const BODY_TYPES = ['CARGO', 'WING', 'BOX', 'REFRIGERATED', 'FROZEN', 'FLATBED', 'TANK'] as const;
export const CARGO_CLASSES = ['GENERAL', 'CHILLED', 'FROZEN', 'HAZMAT', 'OVERSIZE', 'LIQUID_BULK'] as const;
export const STORAGE_CLASSES = ['AMBIENT', 'CHILLED', 'FROZEN', 'HAZMAT', 'BONDED', 'OUTDOOR_YARD'] as const;
export const LOADING_METHODS = ['FORKLIFT', 'HOIST', 'BY_HAND'] as const;
export const LISTING_STATUSES = ['ACTIVE', 'WITHDRAWN'] as const;
export const VEHICLE_STATUSES = ['ACTIVE', 'RETIRED'] as const;
export const REQUEST_STATUSES = ['OPEN', 'OFFERED', 'BOOKED', 'PICKED_UP', 'AT_CENTRE', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED', 'EXPIRED'] as const;
/** Why a matching round gave a request no offer (src/matching/engine/unserved.ts): a rule broken, or HELD, TAKEN, NO_VEHICLE. */
export const UNMATCHED_REASONS = ['NO_VEHICLE', 'EXCLUDED', 'BODY', 'HAZMAT', 'LOADING', 'PAYLOAD', 'PALLETS', 'WINDOW', 'DEADLINE', 'DRIVING', 'PRICE', 'STORAGE_CLASS', 'STORAGE_DATES', 'STORAGE_CAPACITY', 'MIN_DAYS', 'STORAGE_HOURS', 'HELD', 'TAKEN'] as const;

/**
 * A shipper's terms as the feed names them (REQUEST_CHANGED), in the order it lists them. A change stores which it
 * changed as bits, the i-th term the i-th bit (shipment_requests.terms_changed): new terms go at the end.
 */
export const REQUEST_TERMS = ['origin', 'destination', 'weight', 'pallets', 'cargoClass', 'loading', 'pickupWindow', 'deliverBy', 'storage', 'maxPrice', 'notes'] as const;
export type RequestTerm = (typeof REQUEST_TERMS)[number];
/** Terms as shipment_requests.terms_changed stores them, and back. */
export const termsMask = (terms: readonly RequestTerm[]): number => terms.reduce((mask, term) => mask | (1 << REQUEST_TERMS.indexOf(term)), 0);
export const termsOfMask = (mask: number): RequestTerm[] => REQUEST_TERMS.filter((_, i) => mask & (1 << i));

export type TonnageClass = (typeof TONNAGE_CLASSES)[number];
export type BodyType = (typeof BODY_TYPES)[number];
export type CargoClass = (typeof CARGO_CLASSES)[number];
export type StorageClass = (typeof STORAGE_CLASSES)[number];
export type LoadingMethod = (typeof LOADING_METHODS)[number];
export type ListingStatus = (typeof LISTING_STATUSES)[number];
export type VehicleStatus = (typeof VEHICLE_STATUSES)[number];
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export type UnmatchedReason = (typeof UNMATCHED_REASONS)[number];

/** A request's status, cargo class and loading methods as stored (db/schema/demand.ts; migration 0026): most requests are delivered general cargo loaded by forklift. */
export const REQUEST_STATUS_CODES = { DELIVERED: 0, EXPIRED: 1, OPEN: 2, OFFERED: 3, BOOKED: 4, PICKED_UP: 5, AT_CENTRE: 6, IN_TRANSIT: 7, CANCELLED: 8 } as const satisfies Codes<RequestStatus>;
export const CARGO_CLASS_CODES = { GENERAL: 0, OVERSIZE: 1, HAZMAT: 2, CHILLED: 3, FROZEN: 4, LIQUID_BULK: 5 } as const satisfies Codes<CargoClass>;
export const LOADING_METHOD_CODES = { FORKLIFT: 0, HOIST: 1, BY_HAND: 2 } as const satisfies Codes<LoadingMethod>;

/** `col in ('A','B',…)` for a CHECK constraint. */
export const inList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(',');

/**
 * A value set stored as small integer codes instead of its spellings: an offer's `'TRANSPORT'` and `'ACCEPTED'` took
 * 9 and 8 bytes in the row and again in each index on them, codes 0 and 1 take none (SQLite stores the integers 0
 * and 1 in the record header alone), others one. Codes are explicit and stable, never positions in the value set: a
 * value added or removed must not renumber stored rows. The most frequent values take 0 and 1.
 */
export type Codes<T extends string> = Readonly<Record<T, number>>;

/** A value's code as an SQL literal, for the raw SQL, partial indexes, CHECKs and triggers that spell a value. */
export const codeOf = <T extends string>(codes: Codes<T>, value: T) => sql.raw(String(codes[value]));

/** Some values' codes as an SQL list, for `col in (…)` in raw SQL, partial indexes and triggers. */
export const codesOf = <T extends string>(codes: Codes<T>, values: readonly T[]) => sql.raw(values.map((v) => codes[v]).join(', '));

/** `col in (0,1,…)` for a CHECK constraint: every code of the set. */
export const codeList = (codes: Codes<string>) => Object.values(codes).join(',');

/** The value of each code, refusing a code the set does not have (a row the schema does not know). */
export function codec<T extends string>(codes: Codes<T>): { toCode: (value: T) => number; toValue: (code: number) => T } {
  const values = new Map(Object.entries(codes).map(([value, code]) => [code as number, value as T]));
  if (values.size !== Object.keys(codes).length) throw new Error(`codes are not distinct: ${JSON.stringify(codes)}`);
  return {
    toCode: (value) => {
      const code = codes[value];
      if (code === undefined) throw new Error(`not one of ${Object.keys(codes).join(', ')}: ${String(value)}`);
      return code;
    },
    toValue: (code) => {
      const value = values.get(Number(code));
      if (value === undefined) throw new Error(`no value has code ${code} in ${JSON.stringify(codes)}`);
      return value;
    },
  };
}

/**
 * A column of value set `codes`, stored as their integer codes and read as the values (the PostgreSQL twin:
 * db/pg/schema/columns.ts). Bound as a BigInt, i.e. as an SQLite integer: a JS number is bound as a double, `0.0`,
 * which the planner does not take to imply a partial index's `status = 0`.
 */
export function codedEnum<T extends string>(codes: Codes<T>) {
  const { toCode, toValue } = codec(codes);
  return customType<{ data: T; driverData: number | bigint }>({ dataType: () => 'integer', toDriver: (value) => BigInt(toCode(value)), fromDriver: (code) => toValue(Number(code)) });
}

/**
 * An H3 cell of resolution `res` as the bits that set it apart from the other cells of that resolution: its base cell
 * and its `res` digits (7 + 3·res bits: 28 at 7, 34 at 9), an integer of 4 or 6 bytes where the 15-character hex
 * string took 16, in the row and in each index on it. The other bits (mode 1, the resolution, unused digits all 7)
 * follow from `res`. Under 2^53, so exact as a JS number.
 */
export function cellCodec(res: number): { pack: (cell: string) => number; unpack: (packed: number) => string } {
  const shift = BigInt(3 * (15 - res));
  const bits = ((1n << BigInt(7 + 3 * res)) - 1n) << shift;
  const fixed = (1n << 59n) | (BigInt(res) << 52n) | ((1n << shift) - 1n);
  return {
    pack: (cell) => {
      const index = /^[0-9a-f]{15}$/.test(cell) ? BigInt(`0x${cell}`) : -1n;
      if ((index & ~bits) !== fixed) throw new Error(`not an H3 cell of resolution ${res}: ${cell}`);
      return Number((index & bits) >> shift);
    },
    unpack: (packed) => (fixed | (BigInt(packed) << shift)).toString(16),
  };
}

/** A column of H3 cells of resolution `res`, stored packed (cellCodec; the PostgreSQL twin: db/pg/schema/columns.ts), bound as an SQLite integer. */
export function h3Cell(res: number) {
  const { pack, unpack } = cellCodec(res);
  return customType<{ data: string; driverData: number | bigint }>({ dataType: () => 'integer', toDriver: (cell) => BigInt(pack(cell)), fromDriver: (packed) => unpack(Number(packed)) });
}
