import { describe, expect, it } from 'vitest';
import { statementCsv } from '../../src/settlement/statement-csv';
import type { StatementLine } from '../../src/settlement/statement-lines';

const party = { organisationId: 1, centreId: null, name: '시화정밀', businessRegistrationNumber: '123-45-67890' };
const ended = (endReason: string): StatementLine => ({
  bookingId: 7, requestId: 3, kind: 'TRANSPORT', part: 'TRANSPORT', status: 'CANCELLED', supplyDate: '2026-11-20', item: '화물운송 2팔레트 800kg',
  pallets: 2, weightKg: 800, supplier: party, buyer: party, bookedPriceKrw: 100_000, supplyValueKrw: 0, vatKrw: 0, totalKrw: 0, endReason, routeId: null, vehiclePlate: null,
});
/** The 취소·반납 사유 column of the CSV's one line. */
const reasonIn = (endReason: string) => {
  const [header, row] = statementCsv({ month: '2026-11', lines: [ended(endReason)], totals: { supplyValueKrw: 0, vatKrw: 0, totalKrw: 0, chargedLines: 0, endedLines: 1 } }).split('\r\n');
  return row!.split('","')[header!.split('","').indexOf('취소·반납 사유')];
};

describe('the Korean statement CSV', () => {
  it("writes the service's own end reasons in Korean and an organisation's as it wrote them", () => {
    expect(reasonIn('The pickup window passed before every leg was booked')).toBe('모든 구간이 예약되기 전에 상차 시간이 지났습니다');
    expect(reasonIn('Another leg of the request was declined or expired: it returned to the next matching round')).toBe('요청의 다른 구간이 거절되거나 만료되어 다음 매칭으로 돌아갔습니다');
    expect(reasonIn('Another leg of the request was given back by its warehouse: it returned to the next matching round')).toBe('요청의 다른 구간을 창고가 반납하여 다음 매칭으로 돌아갔습니다');
    expect(reasonIn('Another leg of the request was given back by its carrier: it returned to the next matching round')).toBe('요청의 다른 구간을 운송사가 반납하여 다음 매칭으로 돌아갔습니다');
    expect(reasonIn('생산 일정 변경')).toBe('생산 일정 변경');
    expect(reasonIn('Plans changed')).toBe('Plans changed');
  });
});
