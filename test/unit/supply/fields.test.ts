import { describe, expect, it } from 'vitest';
import { addDays, CalendarDay, seoulDay } from '../../../src/supply/listings/seoul-day';
import { capacityBounds, PlateNumber, windowIssues } from '../../../src/supply/vehicles/vehicle-fields';

describe('PlateNumber', () => {
  it.each(['12가3456', '123가4567', '서울12바3456', '경기 98 사 7654', '99배1234'])('accepts %s', (plate) => {
    expect(PlateNumber.safeParse(plate).success).toBe(true);
  });
  it.each(['1가3456', '1234가5678', '12A3456', '12육3456', '서울123가4567', '뉴욕12가3456', '12가345', ''])('refuses %s', (plate) => {
    expect(PlateNumber.safeParse(plate).success).toBe(false);
  });
});

describe('Asia/Seoul days', () => {
  it('turns an instant into the Seoul date (UTC+9, no daylight saving)', () => {
    expect(seoulDay(new Date('2026-03-31T14:59:59Z'))).toBe('2026-03-31');
    expect(seoulDay(new Date('2026-03-31T15:00:00Z'))).toBe('2026-04-01');
  });
  it('adds days across months and leap days', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
  it.each([
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
  ])('CalendarDay %s → %s', (day, ok) => {
    expect(CalendarDay.safeParse(day).success).toBe(ok);
  });
});

describe('vehicle rules', () => {
  it('bounds capacity around the class and under the largest class', () => {
    expect(capacityBounds('T1')).toEqual({ payloadKg: { min: 500, max: 1_500 }, palletSlots: { min: 1, max: 4 } });
    expect(capacityBounds('T25')).toEqual({ payloadKg: { min: 12_500, max: 25_000 }, palletSlots: { min: 1, max: 20 } });
  });
  it('allows five minutes of clock skew for a window starting now', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const start = new Date(now.getTime() - 4 * 60_000);
    expect(windowIssues([{ startsAt: start, endsAt: new Date(now.getTime() + 3_600_000) }], now)).toEqual([]);
    const late = new Date(now.getTime() - 6 * 60_000);
    expect(windowIssues([{ startsAt: late, endsAt: new Date(now.getTime() + 3_600_000) }], now)).toEqual([{ field: 'input.availability[0].startsAt', rule: 'must not be in the past' }]);
  });
});
