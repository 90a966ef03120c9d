import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors';
import { cursorTag, encodeCursor, idOfCursor } from '../../src/pagination';

describe('cursor tags', () => {
  const at = new Date('2026-12-07T09:00:00Z');

  it('are the same for the same list, caller and filter, a null key being an absent one', () => {
    expect(cursorTag('bookings', 7, { status: 'CONFIRMED', requestId: null })).toBe(cursorTag('bookings', 7, { status: 'CONFIRMED' }));
    expect(cursorTag('vehicles', 7, { availableAt: at })).toBe(cursorTag('vehicles', 7, { availableAt: new Date(at) }));
    expect(cursorTag('vehicles', 7, null)).toBe(cursorTag('vehicles', 7, undefined));
  });

  it('differ with the list, the caller or the filter', () => {
    const tag = cursorTag('bookings', 7, { status: 'CONFIRMED' });
    for (const other of [cursorTag('offers', 7, { status: 'CONFIRMED' }), cursorTag('bookings', 8, { status: 'CONFIRMED' }), cursorTag('bookings', 7, { status: 'COMPLETED' }), cursorTag('bookings', 7, {})]) {
      expect(other).not.toBe(tag);
    }
  });
});

describe('a cursor', () => {
  const tag = cursorTag('openLoadBoard', 2_147_483_647, { complexCode: 'BANWOL_SIHWA', filter: { cargoClass: 'GENERAL' } });

  it('is opaque and short, with the longest key any list writes (a load board time and id)', () => {
    const cursor = encodeCursor(tag, `${8.64e15}.${2_147_483_647}`);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor.length).toBeLessThan(60);
  });

  it('gives its row id back only under its own tag', () => {
    expect(idOfCursor(tag, encodeCursor(tag, 42))).toBe(42);
    expect(() => idOfCursor(cursorTag('offers', 1, undefined), encodeCursor(tag, 42))).toThrow(ValidationError);
  });
});
