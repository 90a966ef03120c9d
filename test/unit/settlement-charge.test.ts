import { describe, expect, it } from 'vitest';
import { chargeOf, sumCharges } from '../../src/settlement/charge';

describe('statement charges', () => {
  it('VAT is 10 % of the supply value, truncated to the won on each line; total = supply + VAT', () => {
    expect([0, 9, 10, 19, 412_345, 300_007, 599_993, 1_000_000].map(chargeOf)).toEqual([
      { supplyValueKrw: 0, vatKrw: 0, totalKrw: 0 },
      { supplyValueKrw: 9, vatKrw: 0, totalKrw: 9 },
      { supplyValueKrw: 10, vatKrw: 1, totalKrw: 11 },
      { supplyValueKrw: 19, vatKrw: 1, totalKrw: 20 },
      { supplyValueKrw: 412_345, vatKrw: 41_234, totalKrw: 453_579 },
      { supplyValueKrw: 300_007, vatKrw: 30_000, totalKrw: 330_007 },
      { supplyValueKrw: 599_993, vatKrw: 59_999, totalKrw: 659_992 },
      { supplyValueKrw: 1_000_000, vatKrw: 100_000, totalKrw: 1_100_000 },
    ]);
  });

  it('sums line by line, so a split price can carry less VAT than the whole', () => {
    expect(sumCharges([chargeOf(300_007), chargeOf(599_993)])).toEqual({ supplyValueKrw: 900_000, vatKrw: 89_999, totalKrw: 989_999 });
    expect(chargeOf(900_000).vatKrw).toBe(90_000);
  });
});
