import { describe, expect, it } from 'vitest';
import { BODY_TYPES, CARGO_CLASSES } from '../../../db/schema';
import { cargoFitsBody } from '../../../src/matching/engine';
import { canLoad, DEFAULT_LOADING_METHOD, LOADING_METHODS, serviceMinutes } from '../../../src/supply/loading-methods';

describe('loading methods', () => {
  it('lets an overhead hoist reach open tops only, never a closed body', () => {
    expect(BODY_TYPES.filter((b) => canLoad('HOIST', b))).toEqual(['CARGO', 'WING', 'FLATBED', 'TANK']);
    for (const closed of ['BOX', 'REFRIGERATED', 'FROZEN'] as const) expect(canLoad('HOIST', closed)).toBe(false);
  });

  it('never makes a request impossible by default: the default reaches a body every cargo class may travel in', () => {
    for (const cargo of CARGO_CLASSES) {
      expect(BODY_TYPES.some((b) => cargoFitsBody(cargo, b, true) === null && canLoad(DEFAULT_LOADING_METHOD, b))).toBe(true);
    }
  });

  it('takes longer with more pallets, by hand the longest and by forklift the shortest', () => {
    for (const method of LOADING_METHODS) expect(serviceMinutes(method, 4)).toBeGreaterThan(serviceMinutes(method, 1));
    expect(serviceMinutes('BY_HAND', 6)).toBeGreaterThan(serviceMinutes('HOIST', 6));
    expect(serviceMinutes('HOIST', 6)).toBeGreaterThan(serviceMinutes('FORKLIFT', 6));
  });
});
