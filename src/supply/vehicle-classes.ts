/**
 * Korean truck tonnage classes (톤급) with planning defaults, plus the body, cargo and storage class names
 * the rest of the service imports. Pure data: a vehicle row carries its own payload, slots and rate card;
 * these defaults fill gaps and price the "no sharing" baseline.
 */

import { TONNAGE_CLASSES, type TonnageClass } from '../../db/schema/enums';

// The value sets live beside the schema's CHECK constraints; re-exported for the domain's convenience.
export { BODY_TYPES, CARGO_CLASSES, STORAGE_CLASSES } from '../../db/schema/enums';
export type { BodyType, CargoClass, StorageClass } from '../../db/schema/enums';
export const VEHICLE_CLASS_CODES = TONNAGE_CLASSES;
export type VehicleClassCode = TonnageClass;

export interface VehicleClass {
  code: VehicleClassCode;
  labelKo: string;
  /** Nominal payload (the class name is the payload in tonnes). */
  payloadKg: number;
  /** T-11 (1100x1100 mm) pallet positions on a cargo/wing body. */
  palletSlots: number;
  /** Default rate card: fixed fee per job plus a rate per driven km (deadhead and loaded alike), */
  baseFeeKrw: number;
  perKmKrw: number;
  /** a fee per pickup or drop beyond the first of each on a route (경유비), */
  perStopFeeKrw: number;
  /** and a rate per hour of waiting at a stop past the free allowance (대기료; MATCHING_FREE_WAITING_MINUTES). */
  waitingFeePerHourKrw: number;
  /** Tank-to-wheel CO2 per km, loaded and empty. */
  co2GPerKmLoaded: number;
  co2GPerKmEmpty: number;
}

/*
 * Sources and caveats (all figures are DEFAULTS, overridable per vehicle):
 * - Pallet slots: common Korean planning figures for T-11 pallets, one abreast on the narrow 1t/1.4t beds
 *   (~1.6 m wide) and two abreast from ~2.3 m bed width; e.g. 5t bed ~6.2 m -> 2x5 = 10, 11t ~9.1 m -> 2x8 = 16,
 *   25t wing ~10.1 m -> ~20 (single-deck, no stacking). Real bodies vary; vehicles carry their own figure.
 * - Rate cards: indicative 2024 Korean spot-market levels (화물 운임: 1t 용달 local trips ~50-80k KRW,
 *   5t Seoul-Busan ~0.6M, 25t ~1M+), expressed as base + per-km so that deadhead is priced explicitly.
 * - Per-stop fee (경유비): Korean carriers charge a flat fee per extra 경유지 on top of the trip; no tariff is
 *   published for general cargo, so 1t ~10,000 KRW is taken from spot-market practice (the figure issue 11's
 *   pooling estimate used) and the larger classes scale with the base fee (a proxy for the truck's time cost):
 *   10,000 x baseFee / 25,000, rounded to 1,000 KRW.
 * - Waiting fee (대기료): the 화물자동차 안전운임 고시 (국토교통부, 2020: 고시 제2019-1007호, 별표 1 부대조항)
 *   sets 20,000 KRW per 30 min past a free 1-3 h for container tractors, i.e. 40,000 KRW/h for the 25t class
 *   (the 2026 고시 raised it again); smaller classes scale with the base fee, 40,000 x baseFee / 130,000,
 *   rounded to 1,000 KRW. Safe rates bind only container and cement haulage: elsewhere these are benchmarks.
 * - CO2: fuel-based method as in the GLEC Framework v3 / ISO 14083 (fuel used x fuel emission factor), with
 *   diesel at 2.62 kg CO2/L (IPCC 2006 default 74,100 kg CO2/TJ x ~35.3 MJ/L) and typical fuel economy by class
 *   (1t ~10.5 km/L loaded ... 25t ~3.0 km/L); empty running taken as ~80% of loaded consumption.
 *   Tank-to-wheel only; replace with measured figures or Korean MOLIT/KOTI factors when available.
 */
export const VEHICLE_CLASSES: readonly VehicleClass[] = [
  { code: 'T1', labelKo: '1톤', payloadKg: 1_000, palletSlots: 2, baseFeeKrw: 25_000, perKmKrw: 1_000, perStopFeeKrw: 10_000, waitingFeePerHourKrw: 8_000, co2GPerKmLoaded: 250, co2GPerKmEmpty: 200 },
  { code: 'T1_4', labelKo: '1.4톤', payloadKg: 1_400, palletSlots: 3, baseFeeKrw: 30_000, perKmKrw: 1_100, perStopFeeKrw: 12_000, waitingFeePerHourKrw: 9_000, co2GPerKmLoaded: 290, co2GPerKmEmpty: 230 },
  { code: 'T2_5', labelKo: '2.5톤', payloadKg: 2_500, palletSlots: 6, baseFeeKrw: 40_000, perKmKrw: 1_300, perStopFeeKrw: 16_000, waitingFeePerHourKrw: 12_000, co2GPerKmLoaded: 370, co2GPerKmEmpty: 295 },
  { code: 'T3_5', labelKo: '3.5톤', payloadKg: 3_500, palletSlots: 8, baseFeeKrw: 50_000, perKmKrw: 1_450, perStopFeeKrw: 20_000, waitingFeePerHourKrw: 15_000, co2GPerKmLoaded: 440, co2GPerKmEmpty: 350 },
  { code: 'T5', labelKo: '5톤', payloadKg: 5_000, palletSlots: 10, baseFeeKrw: 60_000, perKmKrw: 1_600, perStopFeeKrw: 24_000, waitingFeePerHourKrw: 18_000, co2GPerKmLoaded: 520, co2GPerKmEmpty: 415 },
  { code: 'T11', labelKo: '11톤', payloadKg: 11_000, palletSlots: 16, baseFeeKrw: 90_000, perKmKrw: 2_000, perStopFeeKrw: 36_000, waitingFeePerHourKrw: 28_000, co2GPerKmLoaded: 690, co2GPerKmEmpty: 550 },
  { code: 'T25', labelKo: '25톤', payloadKg: 25_000, palletSlots: 20, baseFeeKrw: 130_000, perKmKrw: 2_600, perStopFeeKrw: 52_000, waitingFeePerHourKrw: 40_000, co2GPerKmLoaded: 870, co2GPerKmEmpty: 695 },
];

const BY_CODE = new Map<VehicleClassCode, VehicleClass>(VEHICLE_CLASSES.map((c) => [c.code, c]));

/**
 * The class table row for a code.
 * @throws Error for a code not in VEHICLE_CLASS_CODES (only reachable by bypassing the type).
 */
export function vehicleClass(code: VehicleClassCode): VehicleClass {
  const found = BY_CODE.get(code);
  if (!found) throw new Error(`unknown vehicle class ${code}`);
  return found;
}

/** The class as English text names it ('5-ton'), for what the service writes in English (feed summaries, rules). */
export function labelEn(cls: VehicleClass): string {
  return `${cls.payloadKg / 1000}-ton`;
}

/** The largest class in the table (used to split loads no single class can take). */
export const LARGEST_CLASS: VehicleClass = VEHICLE_CLASSES[VEHICLE_CLASSES.length - 1]!;

/** Returns the smallest class whose default payload and pallet slots both fit, or undefined if none does. */
export function smallestClassFor(weightKg: number, pallets: number): VehicleClass | undefined {
  return VEHICLE_CLASSES.find((c) => c.payloadKg >= weightKg && c.palletSlots >= pallets);
}

/** Whether a code names a known class (for validating input from outside the type system). */
export function isVehicleClassCode(value: string): value is VehicleClassCode {
  return (VEHICLE_CLASS_CODES as readonly string[]).includes(value);
}
