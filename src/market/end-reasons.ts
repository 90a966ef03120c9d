/**
 * Why the service itself ended a booking (its end_reason when no organisation ended it): in English, as the API and
 * webhooks give it, and in Korean for the Korean statement (statementCsv). An organisation's own reason, a shipper's
 * cancel or a supplier's give-back, is its free text and is never translated.
 */
export const END_REASONS = {
  pickupPassed: { en: 'The pickup window passed before every leg was booked', ko: '모든 구간이 예약되기 전에 상차 시간이 지났습니다' },
  legReleased: {
    en: 'Another leg of the request was declined or expired: it returned to the next matching round',
    ko: '요청의 다른 구간이 거절되거나 만료되어 다음 매칭으로 돌아갔습니다',
  },
  legGivenBackByWarehouse: {
    en: 'Another leg of the request was given back by its warehouse: it returned to the next matching round',
    ko: '요청의 다른 구간을 창고가 반납하여 다음 매칭으로 돌아갔습니다',
  },
  legGivenBackByCarrier: {
    en: 'Another leg of the request was given back by its carrier: it returned to the next matching round',
    ko: '요청의 다른 구간을 운송사가 반납하여 다음 매칭으로 돌아갔습니다',
  },
} as const;

// By the English text, as bookings store it: rows ended before this list existed read the same.
const KOREAN = new Map<string, string>(Object.values(END_REASONS).map((r) => [r.en, r.ko]));

/** A booking's end reason for a Korean reader: the service's in Korean, an organisation's as it wrote it. */
export function koreanEndReason(reason: string): string {
  return KOREAN.get(reason) ?? reason;
}
