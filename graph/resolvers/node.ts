import { getApiKey } from '../../src/auth/get-api-key';
import { getCentre } from '../../src/complexes/get-centre';
import { getComplex } from '../../src/complexes/get-complex';
import { getOrganisation } from '../../src/auth/get-organisation';
import { getBooking } from '../../src/bookings/get-booking';
import type { Context } from '../../src/context';
import { getOpenLoad } from '../../src/demand/get-open-load';
import { getShipmentRequest } from '../../src/demand/get-shipment-request';
import { getOffer } from '../../src/matching/get-offer';
import { getRound } from '../../src/matching/get-round';
import { getRoute } from '../../src/matching/get-route';
import { ForbiddenError, NotFoundError } from '../../src/errors';
import { fromGlobalId } from '../../src/global-id';
import { getListing } from '../../src/supply/listings/get-listing';
import { getVehicle } from '../../src/supply/vehicles/get-vehicle';
import { getWebhookDelivery } from '../../src/webhooks/get-delivery';
import { openPodImage } from '../../src/tracking/open-pod-image';
import { getWebhookEndpoint } from '../../src/webhooks/get-endpoint';
import type { NodeResolvers, Resolvers, ResolversInterfaceTypes } from '../generated/resolvers-types';

type NodeRecord = ResolversInterfaceTypes<Resolvers>['Node'];
/** The GraphQL types that implement Node, as codegen knows them. */
type NodeTypeName = NonNullable<Awaited<ReturnType<NodeResolvers['__resolveType']>>>;

/**
 * How each node type is fetched by its local id. Each fetcher is the same domain function the lists
 * use, so `node(id:)` applies the same access checks. Every Node type has one (a missing one is a type error):
 * an ID the API hands out must be fetchable again.
 */
const fetchers: Record<NodeTypeName, (ctx: Context, id: number) => NodeRecord | Promise<NodeRecord>> = {
  Complex: (ctx, id) => getComplex({ ctx, input: { id } }),
  LogisticsCentre: (ctx, id) => getCentre({ ctx, input: { id } }),
  Organisation: (ctx, id) => getOrganisation({ ctx, input: { id } }),
  ApiKey: (ctx, id) => getApiKey({ ctx, input: { id } }),
  ShipmentRequest: (ctx, id) => getShipmentRequest({ ctx, input: { id } }),
  OpenLoad: (ctx, id) => getOpenLoad({ ctx, input: { id } }),
  Offer: (ctx, id) => getOffer({ ctx, input: { id } }),
  MatchingRound: (ctx, id) => getRound({ ctx, input: { id } }),
  Route: (ctx, id) => getRoute({ ctx, input: { id } }),
  WarehouseListing: (ctx, id) => getListing({ ctx, input: { id } }),
  Vehicle: (ctx, id) => getVehicle({ ctx, input: { id } }),
  Booking: (ctx, id) => getBooking({ ctx, input: { id } }),
  PodImage: async (ctx, id) => (await openPodImage({ ctx, input: { id } })).image,
  WebhookEndpoint: (ctx, id) => getWebhookEndpoint({ ctx, input: { id } }),
  WebhookDelivery: (ctx, id) => getWebhookDelivery({ ctx, input: { id } }),
};

export const nodeResolvers: Resolvers = {
  Query: {
    node: async (_, { id }, ctx) => {
      const parsed = fromGlobalId(id);
      // Own keys only: a type named `constructor` or `toString` is as unknown as any other, not Object's.
      const fetch = parsed && Object.hasOwn(fetchers, parsed.type) ? fetchers[parsed.type as NodeTypeName] : undefined;
      if (!parsed || !fetch) return null;
      try {
        return { ...(await fetch(ctx, parsed.id)), __typename: parsed.type };
      } catch (error) {
        // Unknown and forbidden look alike: a global ID must not reveal that a record exists.
        if (error instanceof NotFoundError || error instanceof ForbiddenError) return null;
        throw error;
      }
    },
  },
  Node: {
    __resolveType: (node) => (node as { __typename?: NodeTypeName }).__typename ?? null,
  },
};
