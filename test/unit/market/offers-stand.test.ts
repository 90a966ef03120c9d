import { describe, expect, it } from 'vitest';
import { offersStand, type StandingOffer, type StandingTerms } from '../../../src/market/offers-stand';

const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.UTC(2026, 5, 1, 0) + hours * HOUR); // 09:00 in Seoul, 2026-06-01
const terms: StandingTerms = { maxPriceKrw: 600_000, pickupFrom: at(0), pickupUntil: at(4), deliverBy: at(20) };
const truck: StandingOffer = { kind: 'TRANSPORT', centreLeg: null, priceKrw: 400_000, pickupAt: at(1), deliverAt: at(10), storageFromDay: null };
const stay: StandingOffer = { kind: 'STORAGE', centreLeg: null, priceKrw: 150_000, pickupAt: null, deliverAt: null, storageFromDay: '2026-06-01' };
const feeder: StandingOffer = { ...truck, centreLeg: 'FEEDER', priceKrw: 100_000, deliverAt: at(3) };
const trunk: StandingOffer = { ...truck, centreLeg: 'TRUNK', priceKrw: 300_000, pickupAt: at(6), deliverAt: at(14) };

describe('offersStand', () => {
  it('keeps offers under a price limit raised, lowered still above them all together, or removed', () => {
    expect(offersStand([truck, stay], { ...terms, maxPriceKrw: 900_000 }, ['maxPrice'])).toBe(true);
    expect(offersStand([truck, stay], { ...terms, maxPriceKrw: 550_000 }, ['maxPrice'])).toBe(true);
    expect(offersStand([feeder, trunk], { ...terms, maxPriceKrw: 400_000 }, ['maxPrice'])).toBe(true);
    expect(offersStand([truck], { ...terms, maxPriceKrw: null }, ['maxPrice'])).toBe(true);
  });

  it('withdraws when the offers together cost more than the new limit, though each alone fits', () => {
    expect(offersStand([truck, stay], { ...terms, maxPriceKrw: 549_999 }, ['maxPrice'])).toBe(false);
    expect(offersStand([feeder, trunk], { ...terms, maxPriceKrw: 399_999 }, ['maxPrice'])).toBe(false);
  });

  it('checks each delivery against a moved deadline, storage having none', () => {
    expect(offersStand([truck, stay], { ...terms, deliverBy: at(30) }, ['deliverBy'])).toBe(true);
    expect(offersStand([truck, stay], { ...terms, deliverBy: at(10) }, ['deliverBy'])).toBe(true);
    expect(offersStand([feeder, trunk], { ...terms, deliverBy: at(13) }, ['deliverBy'])).toBe(false);
  });

  it("checks each pickup at the origin against a moved window (not a trunk's at the centre), and a stay's first day", () => {
    expect(offersStand([truck], { ...terms, pickupFrom: at(-2), pickupUntil: at(1) }, ['pickupWindow'])).toBe(true);
    expect(offersStand([truck], { ...terms, pickupFrom: at(2), pickupUntil: at(4) }, ['pickupWindow'])).toBe(false);
    expect(offersStand([feeder, trunk], { ...terms, pickupUntil: at(2) }, ['pickupWindow'])).toBe(true);
    expect(offersStand([truck, stay], { ...terms, pickupUntil: at(8) }, ['pickupWindow'])).toBe(true);
    // Opening the window the evening before moves the stay's first day.
    expect(offersStand([truck, stay], { ...terms, pickupFrom: at(-12) }, ['pickupWindow'])).toBe(false);
  });

  it('needs every changed term met: one unmet, or one not checked (notes, load, storage...), withdraws', () => {
    expect(offersStand([truck], { ...terms, maxPriceKrw: 900_000, deliverBy: at(30) }, ['deliverBy', 'maxPrice'])).toBe(true);
    expect(offersStand([truck], { ...terms, maxPriceKrw: 300_000, deliverBy: at(30) }, ['deliverBy', 'maxPrice'])).toBe(false);
    for (const term of ['notes', 'pallets', 'weight', 'origin', 'destination', 'cargoClass', 'loading', 'storage'] as const) {
      expect(offersStand([truck], { ...terms, maxPriceKrw: 900_000 }, ['maxPrice', term])).toBe(false);
    }
  });

  it('keeps nothing when nothing is pending', () => {
    expect(offersStand([], terms, ['maxPrice'])).toBe(false);
  });
});
