/**
 * Why a request got no offer: the round names, for each request it considered and did not serve, the rule the
 * trucks (or warehouses) nearest to an offer broke, or that it waits (HELD) or lost its trucks to other loads (TAKEN).
 */
import { describe, expect, it } from 'vitest';
import { kstDayOf } from '../../../src/matching/engine/days';
import type { ListingInput, RequestInput, RoundInput, VehicleInput } from '../../../src/matching/engine/index';
import { baseRequest, baseVehicle, CENTRE, H, NOW, runRound } from '../../helpers/matching-fixtures';

const round = (requests: RequestInput[], vehicles: VehicleInput[], listings: ListingInput[] = []): RoundInput => ({ centre: CENTRE, requests, vehicles, listings, now: NOW });
const reasonOf = (requests: RequestInput[], vehicles: VehicleInput[], listings: ListingInput[] = []) => runRound(round(requests, vehicles, listings)).report.unserved;

describe('why a request got no offer', () => {
  it('a served request is not listed', () => {
    expect(reasonOf([baseRequest()], [baseVehicle()])).toEqual([]);
  });

  it('names the rule of the truck that came nearest to an offer, whatever the others broke', () => {
    const frozen = baseVehicle({ id: 'COLD', bodyType: 'FROZEN', payloadKg: 100 });
    // The wing truck may carry it and could make it, at a price over the shipper's ceiling; the cold one breaks a rule before price.
    expect(reasonOf([baseRequest({ maxPriceKrw: 1_000 })], [frozen, baseVehicle()])).toEqual([{ requestId: 'R1', reason: 'PRICE' }]);
    expect(reasonOf([baseRequest({ deliveryDeadline: NOW + H + 10 * 60_000 })], [baseVehicle()])).toEqual([{ requestId: 'R1', reason: 'DEADLINE' }]);
    expect(reasonOf([baseRequest({ cargoClass: 'FROZEN' })], [baseVehicle()])).toEqual([{ requestId: 'R1', reason: 'BODY' }]);
    expect(reasonOf([baseRequest({ weightKg: 3_000 })], [baseVehicle()])).toEqual([{ requestId: 'R1', reason: 'PAYLOAD' }]);
    expect(reasonOf([baseRequest()], [baseVehicle({ availability: [{ start: NOW + 5 * H, end: NOW + 12 * H }] })])).toEqual([{ requestId: 'R1', reason: 'WINDOW' }]);
  });

  it('EXCLUDED when the only trucks that could carry it declined it, not the rule the others broke', () => {
    const certified = baseVehicle({ id: 'HZ', hazmatCertified: true });
    const hazmat = baseRequest({ cargoClass: 'HAZMAT' });
    const declined = { centre: CENTRE, requests: [hazmat], vehicles: [certified, baseVehicle({ id: 'PLAIN' })], listings: [], now: NOW, excludedPairs: [{ requestId: 'R1', vehicleId: 'HZ' }] };
    expect(runRound(declined).report.unserved).toEqual([{ requestId: 'R1', reason: 'EXCLUDED' }]);
    // A truck that declined it but could not have carried it anyway does not hide the rule.
    expect(runRound({ ...declined, requests: [{ ...hazmat, weightKg: 3_000 }] }).report.unserved).toEqual([{ requestId: 'R1', reason: 'PAYLOAD' }]);
  });

  it('NO_VEHICLE when no truck has free time', () => {
    expect(reasonOf([baseRequest()], [])).toEqual([{ requestId: 'R1', reason: 'NO_VEHICLE' }]);
    expect(reasonOf([baseRequest()], [baseVehicle({ availability: [] })])).toEqual([{ requestId: 'R1', reason: 'NO_VEHICLE' }]);
  });

  it('TAKEN when its truck could have carried it but went to another load', () => {
    // One truck, two loads at the same hour going opposite ways: it carries one.
    const north = baseRequest({ id: 'NORTH', pickupWindow: { start: NOW + H, end: NOW + H + 15 * 60_000 }, deliveryDeadline: NOW + 3 * H });
    const south = baseRequest({ id: 'SOUTH', destination: { lat: 36.99, lng: 127.1 }, pickupWindow: { start: NOW + H, end: NOW + H + 15 * 60_000 }, deliveryDeadline: NOW + 3 * H });
    const unserved = reasonOf([north, south], [baseVehicle()]);
    expect(unserved).toHaveLength(1);
    expect(unserved[0]!.reason).toBe('TAKEN');
  });

  it("a storage need no warehouse meets gets the storage's rule", () => {
    const day = kstDayOf(NOW + H);
    const listing: ListingInput = { id: 'L1', ownerOrgId: 'W1', location: { lat: 37.33, lng: 126.75 }, storageClass: 'AMBIENT', availability: [{ fromDay: day, toDay: day + 10, idlePallets: 1 }], pricePerPalletDayKrw: 1_000, minDays: 1 };
    const storage = { pallets: 2, days: 3, storageClass: 'AMBIENT' as const, splitAllowed: false };
    expect(reasonOf([baseRequest({ storage })], [baseVehicle()], [listing])).toEqual([{ requestId: 'R1', reason: 'STORAGE_CAPACITY' }]);
    expect(reasonOf([baseRequest({ storage: { ...storage, storageClass: 'CHILLED' } })], [baseVehicle()], [listing])).toEqual([{ requestId: 'R1', reason: 'STORAGE_CLASS' }]);
  });

  it('STORAGE_HOURS when the warehouse closes before any truck can unload there, not the shipper\'s deadline', () => {
    const day = kstDayOf(NOW + H);
    const listing: ListingInput = { id: 'L1', ownerOrgId: 'W1', location: { lat: 37.33, lng: 126.75 }, storageClass: 'AMBIENT', availability: [{ fromDay: day, toDay: day + 10, idlePallets: 10 }], pricePerPalletDayKrw: 1_000, minDays: 1, opensAt: '08:00', closesAt: '18:00' };
    const storage = { pallets: 2, days: 3, storageClass: 'AMBIENT' as const, splitAllowed: false };
    // NOW is 08:00 in Korea: picked up from 17:30 on, it cannot be unloaded by 18:00; picked up at 09:00 it can.
    const evening = baseRequest({ storage, pickupWindow: { start: NOW + 9.5 * H, end: NOW + 11 * H }, deliveryDeadline: NOW + 30 * H });
    const truck = baseVehicle({ availability: [{ start: NOW, end: NOW + 24 * H }] });
    expect(reasonOf([evening], [truck], [listing])).toEqual([{ requestId: 'R1', reason: 'STORAGE_HOURS' }]);
    expect(reasonOf([{ ...evening, pickupWindow: { start: NOW + H, end: NOW + 3 * H } }], [truck], [listing])).toEqual([]);
  });

  it("a warehouse's closing bounds only the pallets it stores: the rest go on to a far destination after it", () => {
    const day = kstDayOf(NOW + H);
    const listing: ListingInput = { id: 'L1', ownerOrgId: 'W1', location: { lat: 37.33, lng: 126.75 }, storageClass: 'AMBIENT', availability: [{ fromDay: day, toDay: day + 10, idlePallets: 10 }], pricePerPalletDayKrw: 1_000, minDays: 1, opensAt: '08:00', closesAt: '18:00' };
    // NOW is 08:00 in Korea: 2 of 4 pallets unloaded at the warehouse by 10:00, the other 2 in Busan in the evening.
    const split = baseRequest({ pallets: 4, destination: { lat: 35.1798, lng: 129.075 }, storage: { pallets: 2, days: 3, storageClass: 'AMBIENT', splitAllowed: false }, deliveryDeadline: NOW + 30 * H });
    const truck = baseVehicle({ availability: [{ start: NOW, end: NOW + 24 * H }] });
    const { offers } = runRound(round([split], [truck], [listing]));
    const drops = offers.flatMap((o) => ('stops' in o ? o.stops : [])).filter((stop) => stop.action === 'DROP');
    expect(drops.map((d) => d.location)).toEqual([listing.location, split.destination]);
    expect(drops[0]!.departAt).toBeLessThanOrEqual(NOW + 10 * H); // unloaded at the warehouse by 18:00 in Korea
    expect(drops[1]!.departAt).toBeGreaterThan(NOW + 10 * H);
    // Picked up from 17:30 it still cannot be unloaded there by 18:00, however late the rest may reach Busan.
    const evening = { ...split, pickupWindow: { start: NOW + 9.5 * H, end: NOW + 11 * H } };
    expect(reasonOf([evening], [truck], [listing])).toEqual([{ requestId: 'R1', reason: 'STORAGE_HOURS' }]);
  });

  it('a warehouse open 00:00-24:00 takes goods whenever the truck comes, also after midnight', () => {
    const day = kstDayOf(NOW + H);
    const listing: ListingInput = { id: 'L1', ownerOrgId: 'W1', location: { lat: 37.33, lng: 126.75 }, storageClass: 'AMBIENT', availability: [{ fromDay: day, toDay: day + 10, idlePallets: 10 }], pricePerPalletDayKrw: 1_000, minDays: 1, opensAt: '00:00', closesAt: '24:00' };
    const storage = { pallets: 2, days: 3, storageClass: 'AMBIENT' as const, splitAllowed: false };
    // NOW is 08:00 in Korea: picked up from 23:50, the goods reach the warehouse after midnight.
    const late = baseRequest({ storage, pickupWindow: { start: NOW + 15.83 * H, end: NOW + 16.5 * H }, deliveryDeadline: NOW + 30 * H });
    const truck = baseVehicle({ availability: [{ start: NOW, end: NOW + 24 * H }] });
    expect(reasonOf([late], [truck], [listing])).toEqual([]);
  });

  it('asks only the 50 nearest trucks with free time, whatever the size of the fleet', () => {
    // Tank trucks beside the complex may not carry general cargo; a wing truck in Busan could, over the price cap.
    const tanks = Array.from({ length: 60 }, (_, i) => baseVehicle({ id: `TANK${i}`, bodyType: 'TANK', location: { lat: 37.33 + i * 0.001, lng: 126.76 } }));
    const busan = baseVehicle({ id: 'BUSAN', location: { lat: 35.1, lng: 129.0 }, availability: [{ start: NOW, end: NOW + 48 * H }] });
    const request = baseRequest({ maxPriceKrw: 1_000, pickupWindow: { start: NOW + H, end: NOW + 20 * H }, deliveryDeadline: NOW + 40 * H });
    expect(reasonOf([request], [busan, ...tanks.slice(0, 10)])).toEqual([{ requestId: 'R1', reason: 'PRICE' }]);
    expect(reasonOf([request], [busan, ...tanks])).toEqual([{ requestId: 'R1', reason: 'BODY' }]);
  });
});
