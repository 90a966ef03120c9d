// Domain records behind the GraphQL types of supply.graphql (picked up by scripts/codegen.ts).
import type { ListingRecord } from '../../src/supply/listings/listing-record';
import type { LocatedConnection, LocatedEdge } from '../../src/pagination';
import type { VehicleLocation } from '../../src/supply/vehicles/move-vehicle';
import type { VehicleRecord } from '../../src/supply/vehicles/vehicle-record';

export type WarehouseListingMapper = ListingRecord;
export type WarehouseListingConnectionMapper = LocatedConnection<ListingRecord>;
export type WarehouseListingEdgeMapper = LocatedEdge<ListingRecord>;
export type VehicleMapper = VehicleRecord;
export type VehicleConnectionMapper = LocatedConnection<VehicleRecord>;
export type VehicleEdgeMapper = LocatedEdge<VehicleRecord>;
export type VehicleLocationMapper = VehicleLocation;
