import { describe, expect, it } from 'vitest';
import { bookedLine, endpointDisabledLine, givenBackLine, listingPublishedLine, listingWithdrawnLine, loadLine, requestChangedLine, roundLine, shipmentLine, vehicleRetiredLine } from '../../src/complexes/activity-lines';

// 2026-11-24 09:05 in Seoul.
const pickupFrom = new Date('2026-11-24T00:05:00Z');
const load = loadLine({ pallets: 3, cargoClass: 'CHILLED', weightKg: 1200, pickupFrom });

describe('activity lines: each feed line in English and in Korean', () => {
  it('names a load by its cargo, pallets, weight and pickup in Seoul time, never its shipper', () => {
    expect(load).toEqual({ summary: '3 pallets CHILLED, 1,200 kg, pickup 11-24 09:05', summaryKo: '냉장 3팔레트, 1,200kg, 상차 11-24 09:05' });
  });

  it('says what a changed load now is and which of its terms changed', () => {
    expect(requestChangedLine({ pallets: 3, cargoClass: 'CHILLED', weightKg: 1200, pickupFrom }, ['pickupWindow', 'maxPrice'])).toEqual({
      summary: '3 pallets CHILLED, 1,200 kg, pickup 11-24 09:05 (changed: pickup window, price limit)',
      summaryKo: '냉장 3팔레트, 1,200kg, 상차 11-24 09:05 (변경: 상차 시간, 상한 운임)',
    });
  });

  it('sums up a round, with pooling, the centre and extensions only when there were any', () => {
    const round = { roundId: 7, servedCount: 5, requestsConsidered: 8, routes: 3, pooledRoutes: 0, pooledRequests: 0, centreRequests: 0, extensions: 0, offersWritten: 6, savingsPct: 12.34 };
    expect(roundLine(round)).toEqual({
      summary: 'Round #7: 5/8 requests matched on 3 routes, 6 offers, saving 12.3% against separate trucks',
      summaryKo: '매칭 라운드 #7: 요청 8건 중 5건, 경로 3개, 제안 6건, 개별 운송 대비 12.3% 절감',
    });
    expect(roundLine({ ...round, pooledRoutes: 2, pooledRequests: 5, centreRequests: 1, extensions: 1 })).toEqual({
      summary: 'Round #7: 5/8 requests matched on 3 routes (2 pooled, carrying 5 requests, 1 through the centre), 1 of them extending a booked route, 6 offers, saving 12.3% against separate trucks',
      summaryKo: '매칭 라운드 #7: 요청 8건 중 5건, 경로 3개 (혼적 2개, 화물 5건, 센터 경유 1건), 그중 예약 경로 연장 1개, 제안 6건, 개별 운송 대비 12.3% 절감',
    });
  });

  it('says a round cost more than separate trucks as such, not as a negative saving', () => {
    const round = { roundId: 8, servedCount: 1, requestsConsidered: 1, routes: 1, pooledRoutes: 0, pooledRequests: 0, centreRequests: 0, extensions: 0, offersWritten: 1, savingsPct: -4.72 };
    expect(roundLine(round)).toEqual({
      summary: 'Round #8: 1/1 request matched on 1 route, 1 offer, costing 4.7% more than separate trucks',
      summaryKo: '매칭 라운드 #8: 요청 1건 중 1건, 경로 1개, 제안 1건, 개별 운송 대비 4.7% 증가',
    });
    expect(roundLine({ ...round, savingsPct: -0.04 }).summary).toMatch(/saving 0\.0% against separate trucks$/);
  });

  it('says a round that matched nothing plainly, without routes, offers or a saving of 0.0%', () => {
    const round = { roundId: 9, servedCount: 0, requestsConsidered: 0, routes: 0, pooledRoutes: 0, pooledRequests: 0, centreRequests: 0, extensions: 0, offersWritten: 0, savingsPct: 0 };
    expect(roundLine(round)).toEqual({ summary: 'Round #9: no open request to match', summaryKo: '매칭 라운드 #9: 매칭할 요청 없음' });
    expect(roundLine({ ...round, requestsConsidered: 2 })).toEqual({ summary: 'Round #9: none of 2 requests matched, no offer', summaryKo: '매칭 라운드 #9: 요청 2건 중 매칭 0건, 제안 없음' });
  });

  it('tells an extension and a pooled route apart when booked, a pooled one by its shippers', () => {
    const booked = { extended: false, bookings: [{ pallets: 3, shipperOrgId: 1 }], storage: null, load };
    expect(bookedLine({ ...booked, extended: true, bookings: [{ pallets: 1, shipperOrgId: 1 }, { pallets: 3, shipperOrgId: 1 }] })).toEqual({ summary: 'Route extended: 2 more shipments, 4 pallets joined a truck already out', summaryKo: '경로 연장: 화물 2건(4팔레트)이 운행 중인 차량에 합류' });
    expect(bookedLine({ ...booked, bookings: [{ pallets: 2, shipperOrgId: 1 }, { pallets: 3, shipperOrgId: 2 }, { pallets: 2, shipperOrgId: 1 }] })).toEqual({ summary: 'Pooled route booked: 3 shipments of 2 shippers, 7 pallets on one vehicle', summaryKo: '혼적 경로 예약: 화주 2곳의 화물 3건, 7팔레트를 한 차량에' });
  });

  it("calls one shipper's loads on one truck a route, not 혼적, as insights and statements do", () => {
    const booked = { extended: false, bookings: [1, 2, 3].map((pallets) => ({ pallets, shipperOrgId: 7 })), storage: null, load };
    expect(bookedLine(booked)).toEqual({ summary: 'Route booked: 3 shipments of one shipper, 6 pallets on one vehicle', summaryKo: '경로 예약: 한 화주의 화물 3건, 6팔레트를 한 차량에' });
  });

  it('tells a stay and one load apart when booked', () => {
    const booked = { extended: false, bookings: [{ pallets: 3, shipperOrgId: 1 }], storage: null, load };
    expect(bookedLine({ ...booked, storage: { pallets: 2, fromDay: '2026-11-24', toDay: '2026-11-26' }, load: null })).toEqual({ summary: 'Storage booked: 2 pallets 2026-11-24 to 2026-11-26', summaryKo: '보관 예약: 2팔레트, 2026-11-24~2026-11-26' });
    expect(bookedLine(booked)).toEqual({ summary: `Transport booked: ${load.summary}`, summaryKo: `운송 예약: ${load.summaryKo}` });
  });

  it("says when a step happened that was reported 15 minutes or more later: the feed's line stands at its report", () => {
    // Delivered at 23:30 KST, reported at 04:13 the next morning.
    const late = { step: 'DELIVERED' as const, pallets: 3, weightKg: 1200, occurredAt: new Date('2026-12-07T14:30:00Z'), reportedAt: new Date('2026-12-07T19:13:00Z') };
    expect(shipmentLine(late)).toEqual({ summary: 'Shipment delivered at 12-07 23:30: 3 pallets, 1,200 kg', summaryKo: '배송 완료(12-07 23:30): 3팔레트, 1,200kg' });
    expect(shipmentLine({ ...late, reportedAt: new Date('2026-12-07T14:45:00Z') }).summaryKo).toBe('배송 완료(12-07 23:30): 3팔레트, 1,200kg');
  });

  it('says who gave a booking back, and how many shipments return to the market', () => {
    expect(givenBackLine({ storage: false, shipments: 1 })).toEqual({ summary: 'Booking given back by its carrier: 1 shipment back to the next matching round', summaryKo: '운송사 예약 반납: 화물 1건이 다음 매칭으로' });
    expect(givenBackLine({ storage: true, shipments: 2 }).summaryKo).toBe('창고 예약 반납: 화물 2건이 다음 매칭으로');
  });

  it('names warehouse space, vehicles and shipment steps in Korean words, not codes', () => {
    expect(listingPublishedLine({ totalPallets: 40, storageClass: 'AMBIENT', pricePerPalletDayKrw: 1500 })).toEqual({ summary: 'Warehouse space listed: 40 AMBIENT pallet positions at 1,500 KRW/pallet-day', summaryKo: '창고 공간 등록: 상온 40팔레트, 팔레트·일 1,500원' });
    expect(listingWithdrawnLine({ totalPallets: 1, storageClass: 'OUTDOOR_YARD' })).toEqual({ summary: 'Warehouse space withdrawn: 1 OUTDOOR_YARD pallet position', summaryKo: '창고 공간 철회: 야적장 1팔레트' });
    expect(vehicleRetiredLine({ classEn: '1.4-ton', classKo: '1.4톤', bodyType: 'REFRIGERATED', byOperator: false })).toEqual({ summary: 'Vehicle retired: 1.4-ton REFRIGERATED', summaryKo: '차량 운행 종료: 1.4톤 냉장탑차' });
    expect(vehicleRetiredLine({ classEn: '5-ton', classKo: '5톤', bodyType: 'WING', byOperator: true })).toEqual({ summary: 'Vehicle retired by the centre: 5-ton WING', summaryKo: '센터 운영자가 차량 운행 종료: 5톤 윙바디' });
    const at = new Date('2026-12-07T14:30:00Z');
    expect(shipmentLine({ step: 'DEPARTED_CENTRE', pallets: 2, weightKg: 1500, occurredAt: new Date(at.getTime() - 14 * 60_000), reportedAt: at })).toEqual({ summary: 'Shipment departed centre: 2 pallets, 1,500 kg', summaryKo: '센터 출고: 2팔레트, 1,500kg' });
    expect(endpointDisabledLine({ organisation: '한빛물류', host: 'hooks.example.com', failed: 12, since: new Date('2026-11-24T00:05:00Z') })).toEqual({
      summary: 'Webhook endpoint of 한빛물류 (hooks.example.com) disabled: 12 attempts failed since 2026-11-24T09:05:00+09:00',
      summaryKo: '한빛물류 웹훅 수신 주소(hooks.example.com) 중지: 2026-11-24T09:05:00+09:00 이후 12회 실패',
    });
  });
});
