import { describe, expect, it } from 'vitest';
import { BODY_TYPES, CARGO_CLASSES, STORAGE_CLASSES, VEHICLE_CLASSES, smallestClassFor, vehicleClass } from '../../../src/supply/vehicle-classes';

describe('vehicle classes', () => {
  it('keeps the exact names the service imports', () => {
    expect(BODY_TYPES).toEqual(['CARGO', 'WING', 'BOX', 'REFRIGERATED', 'FROZEN', 'FLATBED', 'TANK']);
    expect(CARGO_CLASSES).toEqual(['GENERAL', 'CHILLED', 'FROZEN', 'HAZMAT', 'OVERSIZE', 'LIQUID_BULK']);
    expect(STORAGE_CLASSES).toEqual(['AMBIENT', 'CHILLED', 'FROZEN', 'HAZMAT', 'BONDED', 'OUTDOOR_YARD']);
    expect(VEHICLE_CLASSES.map((c) => c.code)).toEqual(['T1', 'T1_4', 'T2_5', 'T3_5', 'T5', 'T11', 'T25']);
  });

  it('grows monotonically in payload, slots, rates and CO2', () => {
    for (let i = 1; i < VEHICLE_CLASSES.length; i++) {
      const [a, b] = [VEHICLE_CLASSES[i - 1]!, VEHICLE_CLASSES[i]!];
      expect(b.payloadKg).toBeGreaterThan(a.payloadKg);
      expect(b.palletSlots).toBeGreaterThan(a.palletSlots);
      expect(b.perKmKrw).toBeGreaterThan(a.perKmKrw);
      expect(b.perStopFeeKrw).toBeGreaterThan(a.perStopFeeKrw);
      expect(b.waitingFeePerHourKrw).toBeGreaterThan(a.waitingFeePerHourKrw);
      expect(b.co2GPerKmLoaded).toBeGreaterThan(a.co2GPerKmLoaded);
      expect(b.co2GPerKmEmpty).toBeLessThan(b.co2GPerKmLoaded);
    }
  });

  it('picks the smallest class that fits both weight and pallets', () => {
    expect(smallestClassFor(800, 2)?.code).toBe('T1');
    expect(smallestClassFor(800, 3)?.code).toBe('T1_4');
    expect(smallestClassFor(1_500, 1)?.code).toBe('T2_5');
    expect(smallestClassFor(4_000, 9)?.code).toBe('T5');
    expect(smallestClassFor(5_001, 2)?.code).toBe('T11');
    expect(smallestClassFor(10_000, 17)?.code).toBe('T25');
    expect(smallestClassFor(26_000, 1)).toBeUndefined();
    expect(vehicleClass('T5').palletSlots).toBe(10);
  });
});
