// Domain records behind the GraphQL types of demand.graphql (picked up by scripts/codegen.ts).
import type { LocatedConnection } from '../../src/pagination';
import type { OpenLoadRecord } from '../../src/demand/open-load';
import type { ShipmentRequestRecord } from '../../src/demand/request-record';

export type ShipmentRequestMapper = ShipmentRequestRecord;
export type OpenLoadMapper = OpenLoadRecord;
export type ShipmentRequestConnectionMapper = LocatedConnection<ShipmentRequestRecord>;
export type OpenLoadConnectionMapper = LocatedConnection<OpenLoadRecord>;
