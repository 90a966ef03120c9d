import { getComplex } from '../../src/complexes/get-complex';
import { localIdOf, toGlobalId } from '../../src/global-id';
import { createListing } from '../../src/supply/listings/create-listing';
import { listListings } from '../../src/supply/listings/list-listings';
import { getListingOccupancy } from '../../src/supply/listings/listing-occupancy';
import { updateListing } from '../../src/supply/listings/update-listing';
import { withdrawListing } from '../../src/supply/listings/withdraw-listing';
import { listVehicles } from '../../src/supply/vehicles/list-vehicles';
import { registerVehicle } from '../../src/supply/vehicles/register-vehicle';
import { retireVehicle } from '../../src/supply/vehicles/retire-vehicle';
import { updateVehicle } from '../../src/supply/vehicles/update-vehicle';
import { updateVehicleAvailability } from '../../src/supply/vehicles/update-vehicle-availability';
import { updateVehicleLocation } from '../../src/supply/vehicles/update-vehicle-location';
import { updateVehicleLocations } from '../../src/supply/vehicles/update-vehicle-locations';
import type { Resolvers } from '../generated/resolvers-types';

const listingId = (id: string) => localIdOf(id, 'WarehouseListing', 'input.listingId');
const vehicleId = (id: string, field = 'input.vehicleId') => localIdOf(id, 'Vehicle', field);

export const supplyResolvers: Resolvers = {
  Query: {
    warehouseListings: (_, args, ctx) => listListings({ ctx, input: args }),
    vehicles: (_, args, ctx) => listVehicles({ ctx, input: args }),
  },
  Mutation: {
    warehouseListingCreate: async (_, { input }, ctx) => ({ listing: await createListing({ ctx, input }) }),
    warehouseListingUpdate: async (_, { input }, ctx) => ({ listing: await updateListing({ ctx, input: { ...input, listingId: listingId(input.listingId) } }) }),
    warehouseListingWithdraw: async (_, { input }, ctx) => ({ listing: await withdrawListing({ ctx, input: { listingId: listingId(input.listingId) } }) }),
    vehicleRegister: async (_, { input }, ctx) => ({ vehicle: await registerVehicle({ ctx, input }) }),
    vehicleLocationUpdate: async (_, { input }, ctx) => ({ location: await updateVehicleLocation({ ctx, input: { ...input, vehicleId: vehicleId(input.vehicleId) } }) }),
    vehicleLocationsUpdate: async (_, { input }, ctx) => ({
      locations: await updateVehicleLocations({
        ctx,
        input: { updates: input.updates.map((u, i) => ({ ...u, vehicleId: vehicleId(u.vehicleId, `input.updates.${i}.vehicleId`) })) },
      }),
    }),
    vehicleAvailabilityUpdate: async (_, { input }, ctx) => ({ vehicle: await updateVehicleAvailability({ ctx, input: { ...input, vehicleId: vehicleId(input.vehicleId) } }) }),
    vehicleUpdate: async (_, { input }, ctx) => ({ vehicle: await updateVehicle({ ctx, input: { ...input, vehicleId: vehicleId(input.vehicleId) } }) }),
    vehicleRetire: async (_, { input }, ctx) => ({ vehicle: await retireVehicle({ ctx, input: { ...input, vehicleId: vehicleId(input.vehicleId) } }) }),
  },
  WarehouseListing: {
    id: (l) => toGlobalId('WarehouseListing', l.id),
    location: (l) => ({ lat: l.lat, lng: l.lng }),
    h3Cell: (l) => l.h3R9,
    occupancy: (l, args, ctx) => getListingOccupancy({ ctx, input: { listingId: l.id, ...args } }),
    complex: (l, _, ctx) => getComplex({ ctx, input: { id: l.complexId } }),
  },
  Vehicle: {
    id: (v) => toGlobalId('Vehicle', v.id),
    rateCard: (v) => ({ baseFeeKrw: v.baseFeeKrw, perKmKrw: v.perKmKrw, perStopFeeKrw: v.perStopFeeKrw, waitingFeePerHourKrw: v.waitingFeePerHourKrw }),
    location: (v) => ({ lat: v.lat, lng: v.lng }),
    h3Cell: (v) => v.h3R9,
    complex: (v, _, ctx) => getComplex({ ctx, input: { id: v.complexId } }),
  },
  VehicleLocation: {
    vehicleId: (l) => toGlobalId('Vehicle', l.vehicleId),
    location: (l) => ({ lat: l.lat, lng: l.lng }),
  },
};
