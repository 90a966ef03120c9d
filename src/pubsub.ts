import { EventEmitter } from 'node:events';
// The core knows the stored rows, not the domains: payloads are typed from db/schema, never from src/<domain>.
import type { bookings, offers, RequestStatus, TrackingEventKind, trackingEvents } from '../db/schema';
import { RateLimitedError } from './errors';

/** What a complex's activity feed tells, besides each step of a shipment (`SHIPMENT_<tracking event kind>`). */
export const ACTIVITY_KINDS = [
  'REQUEST_POSTED',
  'REQUEST_CHANGED',
  'REQUEST_CANCELLED',
  'MATCHING_ROUND_COMPLETED',
  'BOOKING_CONFIRMED',
  'BOOKING_RETURNED',
  'LISTING_PUBLISHED',
  'LISTING_WITHDRAWN',
  'VEHICLE_REGISTERED',
  'VEHICLE_RETIRED',
  'WEBHOOK_ENDPOINT_DISABLED',
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number] | `SHIPMENT_${TrackingEventKind}`;

/** A domain event on a complex's activity feed. */
export interface ComplexActivityEvent {
  /** The event's identity, the same live, in the history and in webhooks (activityId, src/complexes/activity-lines.ts). */
  id: string;
  complexCode: string;
  kind: ActivityKind;
  at: Date;
  /** One line for a feed, in English (src/complexes/activity-lines.ts). */
  summary: string;
  /** The same line in Korean. */
  summaryKo: string;
  /** Why, when someone gave a reason the line's words leave out: a vehicle's retirement, a request's cancellation, a give-back. */
  reason?: string | null;
}

/** A matching round finished and wrote its offers. */
export interface RoundCompletedEvent {
  complexCode: string;
  roundId: number;
  trigger: string;
  timeMs: number;
  requestsConsidered: number;
  servedCount: number;
  offersWritten: number;
}

/** The webhook worker settled one delivery attempt. */
export interface WebhookAttemptedEvent {
  /** DELIVERED (2xx), RETRYING (failed, another attempt is scheduled) or FAILED (failed for good). */
  outcome: 'DELIVERED' | 'RETRYING' | 'FAILED';
  durationMs: number;
}

/** An offer a round made to a supplier (carrier or warehouse owner). */
export interface OfferReceivedEvent {
  offer: typeof offers.$inferSelect;
}

/** A pending offer made to a supplier was withdrawn: a rival was accepted, its request was cancelled or went back to the next round, or its vehicle or listing left the exchange. */
export interface OfferWithdrawnEvent {
  offer: typeof offers.$inferSelect;
}

/** A supplier's booking ended without it: the shipper cancelled the request, or the request's other leg fell through. */
export interface BookingEndedEvent {
  booking: typeof bookings.$inferSelect;
}

/** A shipment request changed status, or its carrier reported a tracking event. */
export interface ShipmentUpdatedEvent {
  requestId: number;
  shipperOrgId: number;
  status: RequestStatus;
  at: Date;
  trackingEvent: typeof trackingEvents.$inferSelect | null;
  /** Why the status changed, when someone gave one (a booking given back). */
  reason: string | null;
}

/** Topics and their payloads: the one list of everything the service publishes. */
export interface Topics {
  complexActivity: ComplexActivityEvent;
  offerReceived: OfferReceivedEvent;
  offerWithdrawn: OfferWithdrawnEvent;
  bookingEnded: BookingEndedEvent;
  shipmentUpdated: ShipmentUpdatedEvent;
  roundCompleted: RoundCompletedEvent;
  webhookAttempted: WebhookAttemptedEvent;
}

/** Every topic, for what listens to all of them (`fromNow`); the compiler keeps it whole. */
const TOPICS = Object.keys({
  complexActivity: true,
  offerReceived: true,
  offerWithdrawn: true,
  bookingEnded: true,
  shipmentUpdated: true,
  roundCompleted: true,
  webhookAttempted: true,
} satisfies Record<keyof Topics, true>) as (keyof Topics)[];

/**
 * One publication as a value: a write builds its list inside its transaction (the webhook outbox records it there) and
 * publishes it after the commit, at once: a read of its result first let a later commit's events go out before its own
 * (on PostgreSQL a read is a round trip), and a subscriber saw a shipment delivered, then picked up.
 */
export type Publication = { [T in keyof Topics]: [T, Topics[T]] }[keyof Topics];

export function publishAll(pubsub: PubSub, publications: readonly Publication[]): void {
  for (const [topic, payload] of publications) pubsub.publish(topic, payload as never);
}

/**
 * Publish/subscribe between domain writes and GraphQL subscriptions. One interface so that a shared
 * broker (Redis, PostgreSQL LISTEN/NOTIFY) can replace the in-process one when the service runs on
 * more than one machine.
 */
export interface PubSub {
  publish<T extends keyof Topics>(topic: T, payload: Topics[T]): void;
  /** Events published on `topic` from now on; ends when the signal aborts or the consumer returns. */
  subscribe<T extends keyof Topics>(topic: T, signal?: AbortSignal): AsyncIterableIterator<Topics[T]>;
  /**
   * Calls `listener` with each of this instance's own publications on `topic` (not other instances'), as it publishes
   * it, until the signal aborts: what its metrics count. Nothing waits in between, so nothing piles up or runs late.
   */
  listenOwn<T extends keyof Topics>(topic: T, listener: (payload: Topics[T]) => void, signal: AbortSignal): void;
}

/**
 * `pubsub` as seen from now: each topic's publications are kept from this call, and the first `subscribe` to a topic
 * gets them before the live ones. A subscription's resolver subscribes only after round trips (its budget, its key, the
 * request it names): on PostgreSQL, what another instance wrote meanwhile was lost to it, though written after the
 * client's subscribe arrived. `stop` ends what no `subscribe` took: call it once the operation has subscribed.
 */
export function fromNow(pubsub: PubSub): PubSub & { stop(): void } {
  const kept = new Map<keyof Topics, AsyncIterableIterator<unknown>>(TOPICS.map((topic) => [topic, pubsub.subscribe(topic)]));
  return {
    publish: (topic, payload) => pubsub.publish(topic, payload),
    subscribe<T extends keyof Topics>(topic: T, signal?: AbortSignal) {
      const early = kept.get(topic) as AsyncIterableIterator<Topics[T]> | undefined;
      if (!early) return pubsub.subscribe(topic, signal);
      kept.delete(topic);
      if (signal?.aborted) void early.return?.();
      else signal?.addEventListener('abort', () => void early.return?.(), { once: true });
      return early;
    },
    listenOwn: (topic, listener, signal) => pubsub.listenOwn(topic, listener, signal),
    stop() {
      for (const events of kept.values()) void events.return?.();
      kept.clear();
    },
  };
}

/**
 * How far a subscriber may fall behind: this many events unread, the oldest of them this old. graphql-ws sends a
 * subscription's next event once its last has gone out, so the events of a client that reads its socket slower than
 * they come wait here; one that still answers pings would never be cut off by graphql-ws's keep-alive, and would hold
 * more memory by the minute. Past both bounds the subscription ends with RATE_LIMITED; a burst alone (a round's
 * offers) passes, and so does a short stall.
 */
export const UNREAD_BOUND = { events: 1_000, ms: 5_000 } as const;

export function createInProcessPubSub(): PubSub {
  const emitter = new EventEmitter();
  // Each subscriber is one listener; a dashboard wall can hold thousands.
  emitter.setMaxListeners(0);
  return {
    publish(topic, payload) {
      emitter.emit(topic, payload);
    },
    subscribe<T extends keyof Topics>(topic: T, signal?: AbortSignal) {
      const unread: { event: Topics[T]; at: number }[] = [];
      let waiting: { resolve: (result: IteratorResult<Topics[T]>) => void; reject: (error: Error) => void } | null = null;
      /** Why it ended: done, or the error its next read gets. */
      let ended: true | Error | null = null;
      const end = (why: true | Error) => {
        if (ended) return;
        ended = why;
        unread.length = 0;
        emitter.off(topic, listener);
        signal?.removeEventListener('abort', onAbort);
        if (!waiting) return;
        const { resolve, reject } = waiting;
        waiting = null;
        ended = true;
        if (why === true) resolve({ done: true, value: undefined });
        else reject(why);
      };
      const onAbort = () => end(true);
      const listener = (event: Topics[T]) => {
        if (waiting) {
          const { resolve } = waiting;
          waiting = null;
          return resolve({ done: false, value: event });
        }
        const at = Date.now();
        unread.push({ event, at });
        if (unread.length > UNREAD_BOUND.events && at - unread[0]!.at > UNREAD_BOUND.ms) {
          const behind = `This subscription fell over ${UNREAD_BOUND.events} events and ${UNREAD_BOUND.ms / 1000} s behind: its client reads too slowly. Subscribe again`;
          end(new RateLimitedError(1, behind));
        }
      };
      if (signal?.aborted) ended = true;
      else {
        emitter.on(topic, listener);
        signal?.addEventListener('abort', onAbort, { once: true });
      }
      return eventIterator<Topics[T]>(
        () => {
          if (unread.length > 0) return Promise.resolve({ done: false, value: unread.shift()!.event });
          if (ended instanceof Error) {
            const error = ended;
            ended = true;
            return Promise.reject(error);
          }
          if (ended) return Promise.resolve({ done: true, value: undefined });
          return new Promise((resolve, reject) => (waiting = { resolve, reject }));
        },
        () => end(true),
      );
    },
    // One process: every publication is its own.
    listenOwn(topic, listener, signal) {
      emitter.on(topic, listener);
      signal.addEventListener('abort', () => emitter.off(topic, listener), { once: true });
    },
  };
}

/**
 * The events of `source` that `keep` accepts. Ending it (a client's `complete`, its socket closing) ends `source` at
 * once, also while a `next()` waits for an event: an async generator would end only at its next yield, so a
 * subscription whose events never come (offers to a quiet carrier) would go on listening, its socket's state held.
 */
export function filterEvents<T>(source: AsyncIterator<T>, keep: (event: T) => boolean): AsyncIterableIterator<T> {
  return eventIterator(
    async () => {
      for (;;) {
        const result = await source.next();
        if (result.done || keep(result.value)) return result;
      }
    },
    () => source.return?.(),
  );
}

/**
 * What `read` gives (its `events`, in order), then the events of `live` it has not told already (`told`, which may
 * consume what it matches). `live` listens before `read` runs, at the first `next()`, so nothing published while it
 * reads is missed. Ending it ends `live` at once, as filterEvents does; a failed read ends `live` and is thrown.
 */
export function precededBy<T>(live: AsyncIterator<T>, read: () => Promise<{ events: T[]; told: (event: T) => boolean }>): AsyncIterableIterator<T> {
  let history: Promise<{ events: T[]; told: (event: T) => boolean }> | null = null;
  let ended = false;
  const end = () => {
    ended = true;
    return live.return?.();
  };
  return eventIterator(
    async () => {
      history ??= read().catch(async (error: unknown) => {
        await end();
        throw error;
      });
      const { events, told } = await history;
      if (ended) return { done: true, value: undefined };
      if (events.length > 0) return { done: false, value: events.shift()! };
      for (;;) {
        const result = await live.next();
        if (result.done || !told(result.value)) return result;
      }
    },
    end,
  );
}

/** An async iterator of `next` whose `return()` runs `end` at once, so that a waiting `next()` resolves done. */
function eventIterator<T>(next: () => Promise<IteratorResult<T>>, end: () => unknown): AsyncIterableIterator<T> {
  return {
    next,
    async return() {
      await end();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
