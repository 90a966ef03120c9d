import type { Context } from '../context';
import { counted } from '../english';
import type { ComplexActivityEvent } from '../pubsub';
import type { ShipmentRequestRecord } from './request-record';

export type RequestActivityKind = 'REQUEST_POSTED' | 'REQUEST_CANCELLED';

const SEOUL_TIME = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** One feed line about a request, e.g. `3 pallets GENERAL, 1200 kg, pickup 11-24 09:00`: the load, never the shipper. */
export function requestSummary(r: Pick<ShipmentRequestRecord, 'pallets' | 'cargoClass' | 'weightKg' | 'pickupFrom'>): string {
  const parts = Object.fromEntries(SEOUL_TIME.formatToParts(r.pickupFrom).map((p) => [p.type, p.value]));
  return `${counted(r.pallets, 'pallet')} ${r.cargoClass}, ${r.weightKg} kg, pickup ${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** Tells the complex's live feed (operators) about a posted or cancelled request. */
export function publishRequestActivity(ctx: Pick<Context, 'pubsub'>, complexCode: string, kind: RequestActivityKind, request: ShipmentRequestRecord, at: Date): void {
  ctx.pubsub.publish('complexActivity', requestActivity(complexCode, kind, request, at));
}

/** The feed line of a posted or cancelled request, also recorded for webhooks in the request's transaction. */
export function requestActivity(complexCode: string, kind: RequestActivityKind, request: ShipmentRequestRecord, at: Date): ComplexActivityEvent {
  return { complexCode, kind, at, summary: requestSummary(request) };
}
