// Domain records behind the GraphQL types of supply.graphql (picked up by scripts/codegen.ts).
import type { ListingRecord } from '../../src/supply/listings/listing-record';
import type { SupplyConnection, SupplyEdge } from '../../src/supply/supply-connection';
import type { VehicleLocation } from '../../src/supply/vehicles/move-vehicle';
import type { VehicleRecord } from '../../src/supply/vehicles/vehicle-record';

export type WarehouseListingMapper = ListingRecord;
export type WarehouseListingConnectionMapper = SupplyConnection<ListingRecord>;
export type WarehouseListingEdgeMapper = SupplyEdge<ListingRecord>;
export type VehicleMapper = VehicleRecord;
export type VehicleConnectionMapper = SupplyConnection<VehicleRecord>;
export type VehicleEdgeMapper = SupplyEdge<VehicleRecord>;
export type VehicleLocationMapper = VehicleLocation;
