import { describe, expect, it } from 'vitest';
import { counted } from '../../src/english';

describe('counted', () => {
  it('says one thing in the singular and any other count, none included, in the plural', () => {
    expect(counted(1, 'request')).toBe('1 request');
    expect([0, 2, 12].map((n) => counted(n, 'offer'))).toEqual(['0 offers', '2 offers', '12 offers']);
    expect(counted(1, 'AMBIENT pallet position')).toBe('1 AMBIENT pallet position');
    expect(counted(3, 'child', 'children')).toBe('3 children');
  });
});
