import { runRound as runRoundTimed, type CentreInput, type ConfigOverrides, type RequestInput, type RoundInput, type RoundResult, type VehicleInput } from '../../src/matching/engine/index';

/**
 * A round whose search ends by its iteration bound, never by the clock: the service's 5 s budget (or a test's own)
 * would cut the search short on a loaded machine, and a test's routes would depend on the machine's load.
 */
export const runRound = (input: RoundInput, config: ConfigOverrides = {}): RoundResult => runRoundTimed(input, { ...config, roundSeconds: 3_600 });

/** Shared clock and places of the engine's hand-made instances. */
export const H = 3_600_000;
export const NOW = Date.UTC(2025, 2, 2, 23, 0);
export const CENTRE: CentreInput = { id: 'C', location: { lat: 37.325, lng: 126.75 }, handlingFeePerPalletKrw: 2_000, crossDockCapacityPalletsPerDay: 500 };

/** A small general load from the complex to Seoul City Hall, picked up 1–3 h from NOW, due within 8 h. */
export const baseRequest = (over: Partial<RequestInput> = {}): RequestInput => ({
  id: 'R1',
  shipperOrgId: 'S1',
  origin: { lat: 37.32, lng: 126.74 },
  destination: { lat: 37.5665, lng: 126.978 },
  weightKg: 500,
  pallets: 2,
  cargoClass: 'GENERAL',
  pickupWindow: { start: NOW + H, end: NOW + 3 * H },
  deliveryDeadline: NOW + 8 * H,
  maxPriceKrw: null,
  storage: null,
  ...over,
});

/** A 2.5 t wing truck beside the complex, free for 12 h from NOW. */
export const baseVehicle = (over: Partial<VehicleInput> = {}): VehicleInput => ({
  id: 'V1',
  carrierOrgId: 'K1',
  vehicleClass: 'T2_5',
  payloadKg: 2_500,
  palletSlots: 6,
  bodyType: 'WING',
  hazmatCertified: false,
  location: { lat: 37.33, lng: 126.76 },
  availability: [{ start: NOW, end: NOW + 12 * H }],
  baseFeeKrw: 40_000,
  perKmKrw: 1_300,
  ...over,
});
