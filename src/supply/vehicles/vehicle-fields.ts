import { z } from 'zod';
import { BODY_TYPES, TONNAGE_CLASSES } from '../../../db/schema';
import type { FieldIssue } from '../../errors';
import { LARGEST_CLASS, vehicleClass, type VehicleClassCode } from '../vehicle-classes';

/** Regions on pre-2004 and commercial (영업용) plates, e.g. 서울12가3456. */
const PLATE_REGIONS = ['서울', '부산', '대구', '인천', '광주', '대전', '울산', '세종', '경기', '강원', '충북', '충남', '전북', '전남', '경북', '경남', '제주'];
/** Hangul used on civilian and commercial plates (military 육해공국합 and diplomatic plates are not trucks on the exchange). */
const PLATE_HANGUL = '가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주아바사자배하허호';
const PLATE = new RegExp(`^(?:(?:${PLATE_REGIONS.join('|')})\\d{2}|\\d{2,3})[${PLATE_HANGUL}]\\d{4}$`);

/**
 * A Korean number plate, e.g. `12가3456`, `123가4567` or `서울12바3456`; spaces are dropped, and Hangul typed
 * decomposed (NFD, as macOS pastes it: 바 as ㅂ + ㅏ) is composed, so that it is the plate it looks like.
 */
export const PlateNumber = z
  .string()
  .max(20, 'must be a Korean number plate such as 12가3456, 123가4567 or 서울12바3456')
  .transform((plate) => plate.normalize('NFC').replace(/\s+/g, ''))
  .refine((plate) => PLATE.test(plate), 'must be a Korean number plate such as 12가3456, 123가4567 or 서울12바3456');

/**
 * Rate cards above these are typos: a 25t truck's default is 130,000 KRW + 2,600 KRW/km, 52,000 KRW per extra
 * stop and 40,000 KRW per hour of waiting.
 */
export const MAX_BASE_FEE_KRW = 2_000_000;
export const MAX_PER_KM_KRW = 50_000;
export const MAX_PER_STOP_FEE_KRW = 500_000;
export const MAX_WAITING_FEE_PER_HOUR_KRW = 500_000;
const Krw = (max: number) => z.number().int('must be a whole number of KRW').min(0, 'must not be negative').max(max, `must be at most ${max} KRW`);

/** A rate card's figures, as a vehicle has them. */
export const RateCardFigures = {
  baseFeeKrw: Krw(MAX_BASE_FEE_KRW),
  perKmKrw: Krw(MAX_PER_KM_KRW),
  perStopFeeKrw: Krw(MAX_PER_STOP_FEE_KRW),
  waitingFeePerHourKrw: Krw(MAX_WAITING_FEE_PER_HOUR_KRW),
};

/** A rate card's figures for register, each optional: left out or null, the class's. */
export const RateCardInput = z.object({
  baseFeeKrw: RateCardFigures.baseFeeKrw.nullish(),
  perKmKrw: RateCardFigures.perKmKrw.nullish(),
  perStopFeeKrw: RateCardFigures.perStopFeeKrw.nullish(),
  waitingFeePerHourKrw: RateCardFigures.waitingFeePerHourKrw.nullish(),
});

/** Payload and pallet slots as sent; their bounds depend on the tonnage class (`capacityIssues`). */
export const PayloadKg = z.number().int('must be a whole number of kg');
export const PalletSlots = z.number().int('must be a whole number');

export const MAX_VEHICLE_WINDOWS = 100;
/** Availability is published at most a year ahead. */
export const VEHICLE_HORIZON_MS = 365 * 24 * 60 * 60 * 1000;
/** A window may start this much before the server's clock: the caller's clock and the request's trip differ. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

export const VehicleWindowInput = z.object({
  startsAt: z.date('must be a DateTime'),
  endsAt: z.date('must be a DateTime'),
});
export type VehicleWindowInput = z.infer<typeof VehicleWindowInput>;

export const VehicleWindows = z.array(VehicleWindowInput).max(MAX_VEHICLE_WINDOWS, `must hold at most ${MAX_VEHICLE_WINDOWS} windows`);

export const TonnageClass = z.enum(TONNAGE_CLASSES, `must be one of ${TONNAGE_CLASSES.join(', ')}`);
export const BodyType = z.enum(BODY_TYPES, `must be one of ${BODY_TYPES.join(', ')}`);

/**
 * Windows must lie ahead (from now, allowing for clock skew, up to a year), each start before its end,
 * listed in time order without overlapping.
 */
export function windowIssues(windows: VehicleWindowInput[], now: Date): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const earliest = now.getTime() - CLOCK_SKEW_MS;
  const latest = now.getTime() + VEHICLE_HORIZON_MS;
  windows.forEach((w, i) => {
    const at = `input.availability[${i}]`;
    if (w.startsAt.getTime() < earliest) issues.push({ field: `${at}.startsAt`, rule: 'must not be in the past' });
    if (w.endsAt <= w.startsAt) issues.push({ field: `${at}.endsAt`, rule: 'must be later than startsAt' });
    if (w.endsAt.getTime() > latest) issues.push({ field: `${at}.endsAt`, rule: 'must be within a year from now' });
    const previous = windows[i - 1];
    if (previous && w.startsAt < previous.endsAt) {
      issues.push({ field: `${at}.startsAt`, rule: `must not be before the end of window ${i - 1}: windows are listed in time order without overlap` });
    }
  });
  return issues;
}

/**
 * Payload may differ from the class's nominal figure by half either way (bodies and axles vary), pallet
 * slots up to twice the class default, both never beyond the largest class on the exchange.
 */
export function capacityBounds(code: VehicleClassCode) {
  const cls = vehicleClass(code);
  return {
    payloadKg: { min: Math.round(cls.payloadKg * 0.5), max: Math.min(Math.round(cls.payloadKg * 1.5), LARGEST_CLASS.payloadKg) },
    palletSlots: { min: 1, max: Math.min(cls.palletSlots * 2, LARGEST_CLASS.palletSlots) },
  };
}

/** Issues when an overridden payload or slot count is outside the class's bounds; a figure left out (or failing its own rule) is not checked. */
export function capacityIssues(code: VehicleClassCode, payloadKg: number | null | undefined, palletSlots: number | null | undefined): FieldIssue[] {
  const bounds = capacityBounds(code);
  const issues: FieldIssue[] = [];
  if (payloadKg != null && (payloadKg < bounds.payloadKg.min || payloadKg > bounds.payloadKg.max)) {
    issues.push({ field: 'input.payloadKg', rule: `must be from ${bounds.payloadKg.min} to ${bounds.payloadKg.max} kg for class ${code}` });
  }
  if (palletSlots != null && (palletSlots < bounds.palletSlots.min || palletSlots > bounds.palletSlots.max)) {
    issues.push({ field: 'input.palletSlots', rule: `must be from ${bounds.palletSlots.min} to ${bounds.palletSlots.max} for class ${code}` });
  }
  return issues;
}
