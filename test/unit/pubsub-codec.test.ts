import { describe, expect, it } from 'vitest';
import type { Publication } from '../../src/pubsub';
import { decodePublication, encodePublication } from '../../src/pubsub-pg';

// The PostgreSQL PubSub sends publications as text: a subscriber must get what an in-process one gets.
describe('the publication codec', () => {
  const at = new Date('2026-12-01T09:00:00.123+09:00');

  it('gives back Dates at any depth, nulls and nested rows', () => {
    const publication: Publication = [
      'shipmentUpdated',
      {
        requestId: 7,
        shipperOrgId: 3,
        status: 'IN_TRANSIT',
        at,
        reason: null,
        trackingEvent: {
          id: 11,
          bookingId: 5,
          complexId: 1,
          requestId: 7,
          kind: 'PICKED_UP',
          occurredAt: new Date(at.getTime() - 60_000),
          lat: 37.31,
          lng: 126.74,
          note: null,
          reportedByOrgId: 2,
          recordedAt: at,
        },
      },
    ];
    const decoded = decodePublication(encodePublication(publication));
    expect(decoded).toStrictEqual(publication);
    expect((decoded[1] as { trackingEvent: { occurredAt: unknown } }).trackingEvent.occurredAt).toBeInstanceOf(Date);
  });

  it('leaves a plain object that only looks like a tagged Date alone when it has other keys', () => {
    const publication = ['complexActivity', { complexCode: 'X', kind: 'K', at, summary: '{"$date":1}', extra: { $date: 1, note: 'n' } }] as unknown as Publication;
    expect(decodePublication(encodePublication(publication))).toStrictEqual(publication);
  });
});
