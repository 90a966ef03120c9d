import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { gql } from './clients';
import type { TestServer } from './server';

type Place = { lat: number; lng: number };

/** A time `ms` from now, as the API takes it. */
export const fromNow = (ms: number) => new Date(Date.now() + ms).toISOString();

/**
 * The market of Banwol-Sihwa as its demo organisations drive it over GraphQL: a manufacturer posts, the operator runs
 * a round, a carrier reads the round's routes. `server` is read at each call (tests start it in beforeAll).
 */
export function marketApi(server: () => TestServer) {
  const as = async <T,>(key: string, query: string, variables: Record<string, unknown> = {}) => (await gql<T>(server().url, query, variables, { apiKey: key })).body;
  /** Posts a request picked up between `from` and `until` and delivered by `deliverBy` (ms from now); its global id. */
  const post = async (origin: Place, destination: Place, weightKg: number, pallets: number, from: number, until: number, deliverBy: number) => {
    const input = {
      idempotencyKey: randomUUID(), origin, destination, weightKg, pallets, cargoClass: 'GENERAL', loadingAtOrigin: 'FORKLIFT', loadingAtDestination: 'FORKLIFT',
      pickupWindow: { from: fromNow(from), until: fromNow(until) }, deliverBy: fromNow(deliverBy),
    };
    const posted = await as<{ shipmentRequestCreate: { shipmentRequest: { id: string } } }>(server().keyOf('MANUFACTURER').apiKey, 'mutation ($input: ShipmentRequestCreateInput!) { shipmentRequestCreate(input: $input) { shipmentRequest { id } } }', { input });
    return posted.data!.shipmentRequestCreate.shipmentRequest.id;
  };
  /** Runs a round as the operator and returns its routes as the carrier reads them, with `fields`. */
  const round = async <R,>(fields: string): Promise<R[]> => {
    const run = await as<{ matchingRunStart: { round: { id: string } } }>(server().keyOf('OPERATOR').apiKey, 'mutation { matchingRunStart(input: { complexCode: "BANWOL_SIHWA" }) { round { id } } }');
    expect(run.errors).toBeUndefined();
    const listed = await as<{ routes: { edges: { node: R }[] } }>(server().keyOf('CARRIER').apiKey, `query ($round: ID) { routes(first: 10, filter: { roundId: $round }) { edges { node { ${fields} } } } }`, {
      round: run.data!.matchingRunStart.round.id,
    });
    return listed.data!.routes.edges.map((e) => e.node);
  };
  return { as, post, round };
}
