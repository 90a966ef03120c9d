import { describe, expect, it } from 'vitest';
import { buildJob, createContext, evaluateTransport, kstDayOf, resolveConfig } from '../../../src/matching/engine/index';
import { kstTimeOn } from '../../../src/matching/engine/days';
import type { RequestInput, RouteOffer, VehicleInput } from '../../../src/matching/engine/index';
import { baseRequest, baseVehicle, CENTRE, H, NOW, runRound } from '../../helpers/matching-fixtures';

const config = resolveConfig();
/** Road km that take `hours` of driving at the default 45 km/h (booked km count a rest per 4 hours, as one leg would). */
const kmOf = (hours: number) => hours * config.averageSpeedKmh;
const today = kstDayOf(NOW);

/** Free from NOW until the day after tomorrow. */
const truck = (over: Partial<VehicleInput> = {}) => baseVehicle({ availability: [{ start: NOW, end: NOW + 40 * H }], ...over });

const reasonOf = (r: RequestInput, v: VehicleInput) => {
  const ctx = createContext(config, NOW, CENTRE, [v]);
  const result = evaluateTransport(buildJob(0, 0, r, config), ctx.vehicles[0]!, ctx);
  return result.ok ? 'OK' : result.reason;
};

describe("a truck's driving in a day (MATCHING_DAILY_DRIVING_HOURS), not only one route's", () => {
  // Seoul City Hall from the complex: about an hour's driving.
  const toSeoul = baseRequest();

  it("refuses a trip the day's booked routes leave no time to drive, and takes one they do", () => {
    expect(reasonOf(toSeoul, truck())).toBe('OK');
    expect(reasonOf(toSeoul, truck({ bookedKmByDay: [{ day: today, km: kmOf(12.5) }] }))).toBe('DRIVING');
    expect(reasonOf(toSeoul, truck({ bookedKmByDay: [{ day: today, km: kmOf(10) }] }))).toBe('OK');
    // Another day's driving is that day's.
    expect(reasonOf(toSeoul, truck({ bookedKmByDay: [{ day: today - 1, km: kmOf(13) }, { day: today + 1, km: kmOf(13) }] }))).toBe('OK');
  });

  it('gives a truck driven out today the whole of tomorrow from midnight', () => {
    const tomorrow = baseRequest({ pickupWindow: { start: kstTimeOn(today + 1, '09:00'), end: kstTimeOn(today + 1, '11:00') }, deliveryDeadline: kstTimeOn(today + 1, '18:00') });
    const drivenOut = truck({ bookedKmByDay: [{ day: today, km: kmOf(13) }] });
    expect(reasonOf(toSeoul, drivenOut)).toBe('DRIVING');
    expect(reasonOf(tomorrow, drivenOut)).toBe('OK');
  });

  it('serves a load only a start at midnight fits, in the day that starts there', () => {
    // Too long to finish before midnight, so the truck leaves at midnight: the end of today's window and the start of tomorrow's.
    const late = baseRequest({ pickupWindow: { start: kstTimeOn(today, '23:30'), end: kstTimeOn(today + 1, '02:00') }, deliveryDeadline: kstTimeOn(today + 1, '12:00') });
    const drivenToday = truck({ bookedKmByDay: [{ day: today, km: kmOf(2) }] });
    expect(reasonOf(late, drivenToday)).toBe('OK');
    const round = runRound({ centre: CENTRE, requests: [late], vehicles: [drivenToday], listings: [], now: NOW });
    expect(round.report.servedCount).toBe(1);
    const route = round.offers[0] as RouteOffer;
    expect(route.startAt).toBe(kstTimeOn(today + 1, '00:00'));
  });

  it('pools on one truck only as much as its day has left', () => {
    // A load to Seoul and one to Suwon: together two hours' driving on one truck, the first alone 75 minutes.
    const a = baseRequest({ id: 'A', origin: { lat: 37.3, lng: 126.72 } });
    const b = baseRequest({ id: 'B', shipperOrgId: 'S2', origin: { lat: 37.34, lng: 126.78 }, destination: { lat: 37.2636, lng: 127.0286 } });
    const round = (v: VehicleInput) => runRound({ centre: CENTRE, requests: [a, b], vehicles: [v], listings: [], now: NOW });
    expect(round(truck()).report.servedCount).toBe(2);
    // 10.5 hours and two rests booked: 90 minutes left.
    const left = round(truck({ bookedKmByDay: [{ day: today, km: kmOf(10.5) }] }));
    expect(left.report.servedCount).toBe(1);
  });
});
