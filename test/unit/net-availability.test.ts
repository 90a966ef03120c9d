import { describe, expect, it } from 'vitest';
import { freeTime, netIdlePallets } from '../../src/matching/net-availability';

describe('freeTime', () => {
  it('cuts held reservations out of availability windows', () => {
    expect(freeTime([{ start: 0, end: 100 }], [{ start: 20, end: 30 }, { start: 50, end: 120 }])).toEqual([
      { start: 0, end: 20 },
      { start: 30, end: 50 },
    ]);
  });
  it('leaves windows a reservation does not touch, and drops windows it covers', () => {
    expect(freeTime([{ start: 0, end: 10 }, { start: 20, end: 30 }], [{ start: 15, end: 35 }])).toEqual([{ start: 0, end: 10 }]);
    expect(freeTime([{ start: 0, end: 10 }], [])).toEqual([{ start: 0, end: 10 }]);
  });
});

describe('netIdlePallets', () => {
  it('subtracts reserved pallets per day and merges equal days back into windows', () => {
    const reserved = new Map([
      [3, 30],
      [4, 30],
      [6, 80],
    ]);
    expect(netIdlePallets([{ fromDay: 1, toDay: 7, idlePallets: 80 }], reserved)).toEqual([
      { fromDay: 1, toDay: 2, idlePallets: 80 },
      { fromDay: 3, toDay: 4, idlePallets: 50 },
      { fromDay: 5, toDay: 5, idlePallets: 80 },
      { fromDay: 7, toDay: 7, idlePallets: 80 },
    ]);
  });
  it('keeps windows without reservations whole', () => {
    expect(netIdlePallets([{ fromDay: 10, toDay: 12, idlePallets: 5 }], new Map())).toEqual([{ fromDay: 10, toDay: 12, idlePallets: 5 }]);
  });
});
