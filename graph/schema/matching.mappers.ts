// Domain records behind the GraphQL types of matching.graphql (picked up by scripts/codegen.ts).
import type { StoredRoundReport } from '../../db/schema';
import type { OfferRecord } from '../../src/matching/offer-record';
import type { RouteStopView, RouteView } from '../../src/matching/route-view';
import type { MatchingRoundRecord } from '../../src/matching/round-record';
import type { Connection } from '../../src/pagination';

export type OfferMapper = OfferRecord;
export type MatchingRoundMapper = MatchingRoundRecord;
export type MatchingRoundReportMapper = StoredRoundReport;
export type OfferConnectionMapper = Connection<OfferRecord>;
export type MatchingRoundConnectionMapper = Connection<MatchingRoundRecord>;
export type RouteMapper = RouteView;
export type RouteStopMapper = RouteStopView;
export type RouteConnectionMapper = Connection<RouteView>;
