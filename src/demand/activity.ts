import type { RequestTerm } from '../../db/schema';
import type { Context } from '../context';
import { activityId, loadLine, requestChangedLine } from '../complexes/activity-lines';
import type { ComplexActivityEvent } from '../pubsub';
import type { ShipmentRequestRecord } from './request-record';

export type RequestActivityKind = 'REQUEST_POSTED' | 'REQUEST_CANCELLED';

/** Tells the complex's live feed (operators) about a posted or cancelled request. */
export function publishRequestActivity(ctx: Pick<Context, 'pubsub'>, complexCode: string, kind: RequestActivityKind, request: ShipmentRequestRecord, at: Date): void {
  ctx.pubsub.publish('complexActivity', requestActivity(complexCode, kind, request, at));
}

/** The feed line of a posted or cancelled request, also recorded for webhooks in the request's transaction. */
export function requestActivity(complexCode: string, kind: RequestActivityKind, request: ShipmentRequestRecord, at: Date): ComplexActivityEvent {
  return { id: activityId(kind, request.id), complexCode, kind, at, ...loadLine(request), reason: kind === 'REQUEST_CANCELLED' ? request.cancelReason : null };
}

/** The feed line of a request whose shipper changed `changed` of its terms, recorded for webhooks in the update's transaction. */
export function requestChangedActivity(complexCode: string, request: ShipmentRequestRecord, changed: readonly RequestTerm[], at: Date): ComplexActivityEvent {
  return { id: activityId('REQUEST_CHANGED', request.id, request.termsChangedAt!), complexCode, kind: 'REQUEST_CHANGED', at, ...requestChangedLine(request, changed) };
}
