import type { BodyType, CargoClass, RequestTerm, StorageClass } from '../../db/schema/enums';
import { counted } from '../english';
import { toGlobalId } from '../global-id';
import type { ActivityKind, ComplexActivityEvent } from '../pubsub';
import { seoulDateTime } from '../time';

/**
 * Every line of a complex's activity feed, in English and in Korean side by side: the operators' dashboard is
 * Korean first, and webhook receivers and English readers keep `summary`. One place, so the two say the same.
 */
export type ActivityLine = Pick<ComplexActivityEvent, 'summary' | 'summaryKo'>;

/**
 * The identity of a line: its kind and the stored row it tells about, with the stored time that tells one of the
 * row's events from another (a request's change, an endpoint's giving up). Made from the rows, never from the
 * clock, so that the live feed, the history and webhooks name an event alike: a line both read and heard is told
 * once, and two in the same words are two. Opaque, as the API's other ids (global-id.ts).
 */
export function activityId(kind: ActivityKind, row: number | string, at?: Date): string {
  return toGlobalId('ComplexActivity', at ? `${kind}:${row}:${at.getTime()}` : `${kind}:${row}`);
}

/**
 * The bookings one line tells of, booked or given back at `at`: a route's shares at one instant (one accept books
 * them, one give-back ends them), else the booking alone.
 */
export function bookingUnit(b: { id: number; routeId: number | null }, at: Date): string {
  return b.routeId ? `r${b.routeId}@${at.getTime()}` : `b${b.id}`;
}

const CARGO_KO: Record<CargoClass, string> = { GENERAL: '일반', CHILLED: '냉장', FROZEN: '냉동', HAZMAT: '위험물', OVERSIZE: '규격 외', LIQUID_BULK: '액체 벌크' };
const STORAGE_KO: Record<StorageClass, string> = { AMBIENT: '상온', CHILLED: '냉장', FROZEN: '냉동', HAZMAT: '위험물', BONDED: '보세', OUTDOOR_YARD: '야적장' };
const BODY_KO: Record<BodyType, string> = { CARGO: '카고', WING: '윙바디', BOX: '탑차', REFRIGERATED: '냉장탑차', FROZEN: '냉동탑차', FLATBED: '평판', TANK: '탱크로리' };
/** The tracking steps the feed shows (a truck's position reports are kept off it). */
const STEP_KO = { PICKED_UP: '상차 완료', AT_CENTRE: '센터 입고', DEPARTED_CENTRE: '센터 출고', DELIVERED: '배송 완료', EXCEPTION: '배송 이상' } as const;
export type ShipmentStep = keyof typeof STEP_KO;

const SEOUL_TIME = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
/** Thousands grouped, as the dashboard writes figures in either language: `1,200`. */
const grouped = (n: number) => n.toLocaleString('en-US');

/** `11-24 09:00`, in Asia/Seoul: the feed's short date and time. */
function seoulMonthDayTime(at: Date): string {
  const p = Object.fromEntries(SEOUL_TIME.formatToParts(at).map((part) => [part.type, part.value]));
  return `${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** The load of a request, e.g. `3 pallets GENERAL, 1200 kg, pickup 11-24 09:00`: the load, never the shipper. */
export function loadLine(r: { pallets: number; cargoClass: CargoClass; weightKg: number; pickupFrom: Date }): ActivityLine {
  const pickup = seoulMonthDayTime(r.pickupFrom);
  return {
    summary: `${counted(r.pallets, 'pallet')} ${r.cargoClass}, ${grouped(r.weightKg)} kg, pickup ${pickup}`,
    summaryKo: `${CARGO_KO[r.cargoClass]} ${r.pallets}팔레트, ${grouped(r.weightKg)}kg, 상차 ${pickup}`,
  };
}

const TERM_EN: Record<RequestTerm, string> = {
  origin: 'origin', destination: 'destination', weight: 'weight', pallets: 'pallets', cargoClass: 'cargo class', loading: 'loading',
  pickupWindow: 'pickup window', deliverBy: 'delivery deadline', storage: 'storage', maxPrice: 'price limit', notes: 'notes',
};
const TERM_KO: Record<RequestTerm, string> = {
  origin: '출발지', destination: '도착지', weight: '중량', pallets: '팔레트 수', cargoClass: '화물 종류', loading: '상하차 방식',
  pickupWindow: '상차 시간', deliverBy: '도착 기한', storage: '보관', maxPrice: '상한 운임', notes: '메모',
};

/** A request its shipper changed: its load as it now is (loadLine) and which terms changed, e.g. `… (changed: price limit, notes)`. */
export function requestChangedLine(r: Parameters<typeof loadLine>[0], changed: readonly RequestTerm[]): ActivityLine {
  const load = loadLine(r);
  return {
    summary: `${load.summary} (changed: ${changed.map((t) => TERM_EN[t]).join(', ')})`,
    summaryKo: `${load.summaryKo} (변경: ${changed.map((t) => TERM_KO[t]).join(', ')})`,
  };
}

export interface RoundFigures {
  roundId: number;
  servedCount: number;
  requestsConsidered: number;
  routes: number;
  pooledRoutes: number;
  pooledRequests: number;
  centreRequests: number;
  extensions: number;
  offersWritten: number;
  savingsPct: number;
}

export function roundLine(f: RoundFigures): ActivityLine {
  // Round ids run across the seven complexes: "#167" names the round, where "167회차" would read as the complex's 167th.
  // A round that matched nothing has no route, offer or saving to tell ("0.0% 절감" read as a result).
  if (f.requestsConsidered === 0) return { summary: `Round #${f.roundId}: no open request to match`, summaryKo: `매칭 라운드 #${f.roundId}: 매칭할 요청 없음` };
  if (f.servedCount === 0) {
    return { summary: `Round #${f.roundId}: none of ${counted(f.requestsConsidered, 'request')} matched, no offer`, summaryKo: `매칭 라운드 #${f.roundId}: 요청 ${f.requestsConsidered}건 중 매칭 0건, 제안 없음` };
  }
  const pooled = f.pooledRoutes > 0 ? ` (${f.pooledRoutes} pooled, carrying ${counted(f.pooledRequests, 'request')}${f.centreRequests > 0 ? `, ${f.centreRequests} through the centre` : ''})` : '';
  const pooledKo = f.pooledRoutes > 0 ? ` (혼적 ${f.pooledRoutes}개, 화물 ${f.pooledRequests}건${f.centreRequests > 0 ? `, 센터 경유 ${f.centreRequests}건` : ''})` : '';
  const extended = f.extensions > 0 ? `, ${f.extensions} of them extending ${f.extensions === 1 ? 'a booked route' : 'booked routes'}` : '';
  const extendedKo = f.extensions > 0 ? `, 그중 예약 경로 연장 ${f.extensions}개` : '';
  // A round can cost more than its baseline (a lone load whose truck first drives there empty): said so, not as a saving below 0.
  const pct = Math.round(f.savingsPct * 10) / 10;
  const saving = pct < 0 ? `costing ${(-pct).toFixed(1)}% more than separate trucks` : `saving ${Math.abs(pct).toFixed(1)}% against separate trucks`;
  const savingKo = pct < 0 ? `개별 운송 대비 ${(-pct).toFixed(1)}% 증가` : `개별 운송 대비 ${Math.abs(pct).toFixed(1)}% 절감`;
  return {
    summary: `Round #${f.roundId}: ${f.servedCount}/${counted(f.requestsConsidered, 'request')} matched on ${counted(f.routes, 'route')}${pooled}${extended}, ${counted(f.offersWritten, 'offer')}, ${saving}`,
    summaryKo: `매칭 라운드 #${f.roundId}: 요청 ${f.requestsConsidered}건 중 ${f.servedCount}건, 경로 ${f.routes}개${pooledKo}${extendedKo}, 제안 ${f.offersWritten}건, ${savingKo}`,
  };
}

/**
 * A booking confirmed: an extension of a truck already out, a route of several shipments, a stay, or one transport load.
 * A route is pooled (혼적) only with several shippers on it, as insights count and statements mark it: one shipper's
 * loads together are not.
 */
export function bookedLine(b: { extended: boolean; bookings: readonly { pallets: number; shipperOrgId: number }[]; storage: { pallets: number; fromDay: string; toDay: string } | null; load: ActivityLine | null }): ActivityLine {
  const shipments = b.bookings.length;
  const shippers = new Set(b.bookings.map((booking) => booking.shipperOrgId)).size;
  const pallets = b.bookings.reduce((n, booking) => n + booking.pallets, 0);
  if (b.extended) return { summary: `Route extended: ${counted(shipments, 'more shipment')}, ${counted(pallets, 'pallet')} joined a truck already out`, summaryKo: `경로 연장: 화물 ${shipments}건(${pallets}팔레트)이 운행 중인 차량에 합류` };
  if (shipments > 1 && shippers > 1) return { summary: `Pooled route booked: ${shipments} shipments of ${shippers} shippers, ${counted(pallets, 'pallet')} on one vehicle`, summaryKo: `혼적 경로 예약: 화주 ${shippers}곳의 화물 ${shipments}건, ${pallets}팔레트를 한 차량에` };
  if (shipments > 1) return { summary: `Route booked: ${shipments} shipments of one shipper, ${counted(pallets, 'pallet')} on one vehicle`, summaryKo: `경로 예약: 한 화주의 화물 ${shipments}건, ${pallets}팔레트를 한 차량에` };
  if (b.storage) {
    const { pallets, fromDay, toDay } = b.storage;
    return { summary: `Storage booked: ${counted(pallets, 'pallet')} ${fromDay} to ${toDay}`, summaryKo: `보관 예약: ${pallets}팔레트, ${fromDay}~${toDay}` };
  }
  return { summary: `Transport booked: ${b.load!.summary}`, summaryKo: `운송 예약: ${b.load!.summaryKo}` };
}

export function givenBackLine(g: { storage: boolean; shipments: number }): ActivityLine {
  return {
    summary: `Booking given back by its ${g.storage ? 'warehouse' : 'carrier'}: ${counted(g.shipments, 'shipment')} back to the next matching round`,
    summaryKo: `${g.storage ? '창고' : '운송사'} 예약 반납: 화물 ${g.shipments}건이 다음 매칭으로`,
  };
}

export function listingPublishedLine(l: { totalPallets: number; storageClass: StorageClass; pricePerPalletDayKrw: number }): ActivityLine {
  return {
    summary: `Warehouse space listed: ${counted(l.totalPallets, `${l.storageClass} pallet position`)} at ${grouped(l.pricePerPalletDayKrw)} KRW/pallet-day`,
    summaryKo: `창고 공간 등록: ${STORAGE_KO[l.storageClass]} ${l.totalPallets}팔레트, 팔레트·일 ${grouped(l.pricePerPalletDayKrw)}원`,
  };
}

export function listingWithdrawnLine(l: { totalPallets: number; storageClass: StorageClass }): ActivityLine {
  return { summary: `Warehouse space withdrawn: ${counted(l.totalPallets, `${l.storageClass} pallet position`)}`, summaryKo: `창고 공간 철회: ${STORAGE_KO[l.storageClass]} ${l.totalPallets}팔레트` };
}

/** A vehicle is named by its class ('5-ton', '5톤') and its body. */
type VehicleName = { classEn: string; classKo: string; bodyType: BodyType };

export function vehicleRegisteredLine(v: VehicleName & { payloadKg: number; palletSlots: number }): ActivityLine {
  return {
    summary: `Vehicle registered: ${v.classEn} ${v.bodyType} (${grouped(v.payloadKg)} kg, ${counted(v.palletSlots, 'pallet')})`,
    summaryKo: `차량 등록: ${v.classKo} ${BODY_KO[v.bodyType]} (${grouped(v.payloadKg)}kg, ${v.palletSlots}팔레트)`,
  };
}

/** Retired by its carrier, or by the centre's operator (a disputed plate): the feed tells which. */
export function vehicleRetiredLine(v: VehicleName & { byOperator: boolean }): ActivityLine {
  return {
    summary: `Vehicle retired${v.byOperator ? ' by the centre' : ''}: ${v.classEn} ${v.bodyType}`,
    summaryKo: `${v.byOperator ? '센터 운영자가 ' : ''}차량 운행 종료: ${v.classKo} ${BODY_KO[v.bodyType]}`,
  };
}

/** A step reported this long after it happened says when it happened: the feed's line stands at its report. */
const LATE_REPORT_MS = 15 * 60_000;

export function shipmentLine(s: { step: ShipmentStep; pallets: number; weightKg: number; occurredAt: Date; reportedAt: Date }): ActivityLine {
  const when = s.reportedAt.getTime() - s.occurredAt.getTime() >= LATE_REPORT_MS ? seoulMonthDayTime(s.occurredAt) : null;
  return {
    summary: `Shipment ${s.step.toLowerCase().replace('_', ' ')}${when ? ` at ${when}` : ''}: ${counted(s.pallets, 'pallet')}, ${grouped(s.weightKg)} kg`,
    summaryKo: `${STEP_KO[s.step]}${when ? `(${when})` : ''}: ${s.pallets}팔레트, ${grouped(s.weightKg)}kg`,
  };
}

export function endpointDisabledLine(e: { organisation: string; host: string; failed: number; since: Date }): ActivityLine {
  const since = seoulDateTime(e.since);
  return {
    summary: `Webhook endpoint of ${e.organisation} (${e.host}) disabled: ${counted(e.failed, 'attempt')} failed since ${since}`,
    summaryKo: `${e.organisation} 웹훅 수신 주소(${e.host}) 중지: ${since} 이후 ${e.failed}회 실패`,
  };
}
