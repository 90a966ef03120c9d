import type { CentreInput, RequestInput } from '../../src/matching/engine/index';

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
