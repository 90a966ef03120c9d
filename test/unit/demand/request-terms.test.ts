import { describe, expect, it } from 'vitest';
import { REQUEST_TERMS, termsMask, termsOfMask } from '../../../db/schema/enums';

describe('the terms a change stores (shipment_requests.terms_changed)', () => {
  it('reads back what it wrote, in the order the feed lists them', () => {
    expect(termsOfMask(termsMask(['notes', 'pickupWindow', 'origin']))).toEqual(['origin', 'pickupWindow', 'notes']);
    expect(termsOfMask(termsMask([...REQUEST_TERMS]))).toEqual([...REQUEST_TERMS]);
  });

  // Stored rows keep their bits: a term moved or removed would make old changes name other terms.
  it('keeps each term on its bit', () => {
    expect(termsMask(['origin'])).toBe(1);
    expect(termsMask(['maxPrice', 'notes'])).toBe(0b110_0000_0000);
  });
});
