/**
 * How goods are loaded or unloaded at a stop (상하차 방식): the time a stop takes and the bodies the method can
 * reach. Pure data, like vehicle-classes.ts; the matching engine and request validation read it.
 */
import { BODY_TYPES, LOADING_METHODS, type BodyType, type LoadingMethod } from '../../db/schema/enums';

export { LOADING_METHODS, type LoadingMethod };

export interface LoadingMethodSpec {
  method: LoadingMethod;
  labelKo: string;
  /** Minutes at the stop whatever the load: docking or positioning, paperwork, securing the load. */
  fixedMinutes: number;
  /** Minutes per T-11 pallet loaded or unloaded. */
  minutesPerPallet: number;
  /** Bodies the method can load. A TANK is filled and emptied through hoses, so every method allows it. */
  bodies: readonly BodyType[];
}

/** What a request states when it does not say: its loads are palletised, and pallets are moved by forklift. */
export const DEFAULT_LOADING_METHOD: LoadingMethod = 'FORKLIFT';

/*
 * Sources and assumptions (planning figures, not measurements of any one site):
 * - FORKLIFT: a forklift moves a pallet from a dock into a trailer in about a minute (50-60 pallets in 30-60
 *   minutes, e.g. Alligator Automations, "How to reduce truck loading time in industrial warehouses"); side
 *   loading a wing body or cargo bed from the yard, without a dock, takes about twice that: 2 min per pallet.
 *   Reaches every body: from the side (CARGO, WING, FLATBED) or through the rear doors (BOX, REFRIGERATED, FROZEN).
 * - HOIST (호이스트, overhead crane): slinging, lifting and landing one load takes ~5 minutes, plus ~20 minutes to
 *   position the truck under the crane and rig. Lifts from above, so only open tops: CARGO, FLATBED and WING
 *   (its wings lift the roof away); never a closed BOX, REFRIGERATED or FROZEN body.
 * - BY_HAND (수작업): a T-11 pallet of ~40 cartons of ~20 kg, carried at ~3 cartons a minute per worker:
 *   ~15 minutes per pallet. Reaches every body.
 * The fixed 10 minutes of FORKLIFT and BY_HAND are arrival, paperwork and securing the load.
 */
export const LOADING_METHOD_SPECS: Readonly<Record<LoadingMethod, LoadingMethodSpec>> = {
  FORKLIFT: { method: 'FORKLIFT', labelKo: '지게차', fixedMinutes: 10, minutesPerPallet: 2, bodies: BODY_TYPES },
  HOIST: { method: 'HOIST', labelKo: '호이스트', fixedMinutes: 20, minutesPerPallet: 5, bodies: ['CARGO', 'WING', 'FLATBED', 'TANK'] },
  BY_HAND: { method: 'BY_HAND', labelKo: '수작업', fixedMinutes: 10, minutesPerPallet: 15, bodies: BODY_TYPES },
};

/** Minutes a stop takes to load or unload `pallets` pallets by `method` (waiting for the window not included). */
export function serviceMinutes(method: LoadingMethod, pallets: number): number {
  const spec = LOADING_METHOD_SPECS[method];
  return spec.fixedMinutes + spec.minutesPerPallet * pallets;
}

/** Whether `method` can load or unload a vehicle with this body. */
export function canLoad(method: LoadingMethod, body: BodyType): boolean {
  return LOADING_METHOD_SPECS[method].bodies.includes(body);
}
