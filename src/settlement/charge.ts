/** 부가가치세 (VAT) rate, percent of the supply value. */
export const VAT_RATE_PCT = 10;

/** What one statement line charges, in whole won. */
export interface Charge {
  /** 공급가액: the booked price. */
  supplyValueKrw: number;
  /** 세액. */
  vatKrw: number;
  /** 합계금액 = supply value + VAT. */
  totalKrw: number;
}

export const NO_CHARGE: Charge = { supplyValueKrw: 0, vatKrw: 0, totalKrw: 0 };

/**
 * The charge of one line whose booked price is `supplyValueKrw`. Booked prices are supply values (VAT
 * excluded), as Korean carriers and warehouses quote B2B rates, and the matching engine prices from rate
 * cards; so VAT comes on top: VAT = floor(supply value × 10 %) per line (원 미만 절사, sub-won tax truncated on
 * each tax-invoice line), total = supply value + VAT. Sums of lines are sums of these integers.
 */
export function chargeOf(supplyValueKrw: number): Charge {
  const vatKrw = Math.floor((supplyValueKrw * VAT_RATE_PCT) / 100);
  return { supplyValueKrw, vatKrw, totalKrw: supplyValueKrw + vatKrw };
}

/** The sum of charges, field by field. */
export function sumCharges(charges: Charge[]): Charge {
  return charges.reduce((a, c) => ({ supplyValueKrw: a.supplyValueKrw + c.supplyValueKrw, vatKrw: a.vatKrw + c.vatKrw, totalKrw: a.totalKrw + c.totalKrw }), NO_CHARGE);
}
