import { getOrganisation } from '../../src/auth/get-organisation';
import { getComplex } from '../../src/complexes/get-complex';
import { cancelShipmentRequest } from '../../src/demand/cancel-shipment-request';
import { createShipmentRequest } from '../../src/demand/create-shipment-request';
import { updateShipmentRequest } from '../../src/demand/update-shipment-request';
import { listOpenLoads } from '../../src/demand/list-open-loads';
import { listShipmentRequests } from '../../src/demand/list-shipment-requests';
import { unmatchedOf } from '../../src/demand/unmatched';
import { localIdOf, toGlobalId } from '../../src/global-id';
import type { BoardKey } from '../../src/demand/open-load';
import type { RequestKey } from '../../src/demand/request-record';
import type { OpenLoad, Resolvers, ShipmentPlace, ShipmentRequest } from '../generated/resolvers-types';
import { selectedReads, type FieldReads } from '../selection';

/** The record keys each ShipmentRequest field reads (its resolver below, or the key of its name): keep them together. */
const SHIPMENT_REQUEST_READS = {
  id: ['id'],
  status: ['status'],
  complex: ['complexId'],
  shipper: ['shipperOrgId'],
  origin: { location: ['originLat', 'originLng'], isCentre: ['originIsCentre'], h3Cell: ['originH3R9'] } satisfies FieldReads<keyof ShipmentPlace, RequestKey>,
  destination: { location: ['destinationLat', 'destinationLng'], isCentre: ['destinationIsCentre'], h3Cell: ['destinationH3R9'] } satisfies FieldReads<keyof ShipmentPlace, RequestKey>,
  weightKg: ['weightKg'],
  pallets: ['pallets'],
  cargoClass: ['cargoClass'],
  loadingAtOrigin: ['loadingAtOrigin'],
  loadingAtDestination: ['loadingAtDestination'],
  pickupWindow: ['pickupFrom', 'pickupUntil'],
  deliverBy: ['deliverBy'],
  storage: ['storagePallets', 'storageDays', 'storageClass', 'storageSplitAllowed'],
  maxPriceKrw: ['maxPriceKrw'],
  notes: ['notes'],
  createdAt: ['createdAt'],
  updatedAt: ['updatedAt'],
  cancelledAt: ['cancelledAt'],
  cancelReason: ['cancelReason'],
  unmatched: ['unmatchedReason', 'unmatchedAt'],
} as const satisfies FieldReads<keyof ShipmentRequest, RequestKey>;
const requestPageReads = selectedReads(['edges', 'node'], SHIPMENT_REQUEST_READS);

/** The board columns each OpenLoad field reads (through toOpenLoad, then its resolver below). */
const OPEN_LOAD_READS = {
  id: ['id'],
  originArea: ['originH3R7'],
  destinationArea: ['destinationH3R9'],
  weightKg: ['weightKg'],
  pallets: ['pallets'],
  cargoClass: ['cargoClass'],
  loadingAtOrigin: ['loadingAtOrigin'],
  loadingAtDestination: ['loadingAtDestination'],
  pickupWindow: ['pickupFrom', 'pickupUntil'],
  deliverBy: ['deliverBy'],
  needsStorage: ['storagePallets'],
} as const satisfies FieldReads<keyof OpenLoad, BoardKey>;
const boardPageReads = selectedReads(['edges', 'node'], OPEN_LOAD_READS);

export const demandResolvers: Resolvers = {
  Query: {
    shipmentRequests: (_, args, ctx, info) => listShipmentRequests({ ctx, input: { ...args, columns: requestPageReads(info) } }),
    openLoadBoard: (_, args, ctx, info) => listOpenLoads({ ctx, input: { ...args, columns: boardPageReads(info) } }),
  },
  Mutation: {
    shipmentRequestCreate: async (_, { input }, ctx) => ({ shipmentRequest: await createShipmentRequest({ ctx, input }) }),
    shipmentRequestUpdate: async (_, { input: { shipmentRequestId, ...changes } }, ctx) => ({
      shipmentRequest: await updateShipmentRequest({ ctx, input: { id: localIdOf(shipmentRequestId, 'ShipmentRequest', 'input.shipmentRequestId'), ...changes } }),
    }),
    shipmentRequestCancel: async (_, { input }, ctx) => ({
      shipmentRequest: await cancelShipmentRequest({ ctx, input: { id: localIdOf(input.shipmentRequestId, 'ShipmentRequest', 'input.shipmentRequestId'), reason: input.reason } }),
    }),
  },
  ShipmentRequest: {
    id: (r) => toGlobalId('ShipmentRequest', r.id),
    complex: (r, _, ctx) => getComplex({ ctx, input: { id: r.complexId } }),
    shipper: (r, _, ctx) => getOrganisation({ ctx, input: { id: r.shipperOrgId } }),
    origin: (r) => ({ location: { lat: r.originLat, lng: r.originLng }, isCentre: r.originIsCentre, h3Cell: r.originH3R9 }),
    destination: (r) => ({ location: { lat: r.destinationLat, lng: r.destinationLng }, isCentre: r.destinationIsCentre, h3Cell: r.destinationH3R9 }),
    pickupWindow: (r) => ({ from: r.pickupFrom, until: r.pickupUntil }),
    storage: (r) =>
      r.storagePallets !== null && r.storageDays !== null && r.storageClass !== null
        ? { pallets: r.storagePallets, days: r.storageDays, storageClass: r.storageClass, splitAllowed: r.storageSplitAllowed }
        : null,
    unmatched: (r) => unmatchedOf(r),
  },
  OpenLoad: {
    id: (l) => toGlobalId('OpenLoad', l.id),
    pickupWindow: (l) => ({ from: l.pickupFrom, until: l.pickupUntil }),
  },
};
