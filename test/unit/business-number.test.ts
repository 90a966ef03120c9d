import { describe, expect, it } from 'vitest';
import { isValidBusinessNumber, withCheckDigit } from '../../src/auth/business-number';

describe('business registration number', () => {
  it('accepts published valid numbers with and without hyphens', () => {
    // 220-81-62517 is a widely published valid example number.
    expect(isValidBusinessNumber('220-81-62517')).toBe(true);
    expect(isValidBusinessNumber('2208162517')).toBe(true);
  });

  it('rejects a wrong check digit, wrong length and non-digits', () => {
    expect(isValidBusinessNumber('2208162518')).toBe(false);
    expect(isValidBusinessNumber('220816251')).toBe(false);
    expect(isValidBusinessNumber('22081625170')).toBe(false);
    expect(isValidBusinessNumber('22a8162517')).toBe(false);
  });

  it('takes hyphens only where the certificate prints them (3-2-5)', () => {
    for (const misplaced of ['2-208-162517', '22081-62517', '220-8162-517', '220--81-62517', '-2208162517', '220-81-62517-']) expect(isValidBusinessNumber(misplaced)).toBe(false);
  });

  it('withCheckDigit makes numbers the validator accepts', () => {
    for (const nine of ['000000000', '123456789', '999999999', '220816251']) expect(isValidBusinessNumber(withCheckDigit(nine))).toBe(true);
    expect(withCheckDigit('220816251')).toBe('2208162517');
  });
});
