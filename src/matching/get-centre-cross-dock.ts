import { z } from 'zod';
import { requireOverseer } from '../auth/authorize';
import { ComplexCode, getComplex } from '../complexes/get-complex';
import type { Context } from '../context';
import { addDays, CalendarDay, seoulDay, seoulMidnight } from '../supply/listings/seoul-day';
import { DAY_MS } from '../time';
import { parseArgs } from '../validation';
import { crossDockPromised } from './centre-cross-dock';

export const GetCentreCrossDockInput = z.object({
  complexCode: ComplexCode,
  from: CalendarDay.nullish(),
  // `days: null`, as clients send an unset variable, asks for the default as leaving it out does.
  days: z.preprocess((v) => v ?? undefined, z.number().int().min(1).max(31).default(7)),
}).superRefine(({ from, days }, ctx) => {
  // The calendar ends at 9999-12-31: a day after it has no YYYY-MM-DD (it is written +010000-01-01).
  const left = from ? (Date.parse('9999-12-31') - Date.parse(from)) / DAY_MS + 1 : Infinity;
  if (days > left) ctx.addIssue({ code: 'custom', path: ['days'], message: `must end by 9999-12-31: at most ${left} from ${from}` });
});
export type GetCentreCrossDockInput = z.input<typeof GetCentreCrossDockInput>;

/** One day of a centre's cross-dock: its capacity, what feeder legs have booked and been offered of it, what is left. */
export interface CrossDockDay {
  day: string;
  capacityPallets: number;
  bookedPallets: number;
  offeredPallets: number;
  /** Capacity less booked and offered pallets: what the next round may still send through the centre. */
  freePallets: number;
}

/**
 * OPERATOR of the complex, or ADMIN: the centre's cross-dock day by day from `from` (Asia/Seoul, today by default)
 * for `days` days, so that its staff are planned for the pallets promised, as the matching round keeps them.
 * @throws ValidationError for a malformed code, day or count; NotFoundError for an unknown complex; ForbiddenError for others.
 */
export async function getCentreCrossDock({ ctx, input }: { ctx: Context; input: GetCentreCrossDockInput }): Promise<CrossDockDay[]> {
  const { complexCode, from, days } = parseArgs(GetCentreCrossDockInput, input);
  const complex = getComplex({ ctx, input: { code: complexCode } });
  requireOverseer(ctx, complex);
  const first = from ?? seoulDay(ctx.now());
  const promised = new Map((await crossDockPromised(ctx.db, complex.id, seoulMidnight(first), seoulMidnight(addDays(first, days)))).map((p) => [p.day, p]));
  const capacityPallets = complex.centre.crossDockPalletsPerDay;
  return Array.from({ length: days }, (_, i) => {
    const day = addDays(first, i);
    const { bookedPallets, offeredPallets } = promised.get(day) ?? { bookedPallets: 0, offeredPallets: 0 };
    return { day, capacityPallets, bookedPallets, offeredPallets, freePallets: Math.max(0, capacityPallets - bookedPallets - offeredPallets) };
  });
}
