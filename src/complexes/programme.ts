import { isValidBusinessNumber, normaliseBusinessNumber } from '../auth/business-number';
import programme from './programme.json';

/**
 * The seven complexes of the smart green industrial complex programme, as published
 * (programme.json is a copy of the programme's data file; its `_about` gives the sources).
 */
export type ProgrammeComplex = (typeof programme.complexes)[number];
export const PROGRAMME_COMPLEXES: readonly ProgrammeComplex[] = programme.complexes;

/**
 * Joint logistics centre figures are not in the published data: these are demo assumptions, scaled
 * to each complex's tenant count (a small cross-dock handles ~300 pallets/day; Banwol-Sihwa, with
 * 19,000 tenants, gets the largest). The handling fee is a typical Korean cross-dock rate per pallet.
 * Opening hours (local time; the router plans hand-overs at the centre within them): no hours are published for
 * the programme's centres (KICOX's announcements of the Sihwa, Changwon and Namdong centres give floor area and
 * throughput only), so 07:00-22:00 assumes a two-shift cross-dock that takes the morning's inbound feeders and
 * the evening's trunk departures.
 */
export function centreAssumptions(complex: ProgrammeComplex) {
  const crossDockPalletsPerDay = Math.max(300, Math.round(complex.tenantCompanies / 10 / 50) * 50);
  return {
    nameKo: `${complex.nameKo} 공동물류센터`,
    nameEn: `${complex.nameEn} Joint Logistics Centre`,
    lat: complex.centroid.lat,
    lng: complex.centroid.lng,
    crossDockPalletsPerDay,
    handlingFeePerPalletKrw: 4_000,
    opensAt: '07:00',
    closesAt: '22:00',
    businessRegistrationNumber: centreBusinessNumber(complex.code),
  };
}

/**
 * The centre's 사업자등록번호 (programme.json's `centres`, demo numbers), 10 bare digits as organisations' are stored.
 * @throws Error at start-up when one is missing or fails its check digit: no invoice may name a wrong party.
 */
function centreBusinessNumber(code: string): string {
  const brn = (programme.centres as Record<string, { businessRegistrationNumber: string } | string>)[code];
  if (typeof brn !== 'object' || !isValidBusinessNumber(brn.businessRegistrationNumber)) {
    throw new Error(`programme.json: centres.${code}.businessRegistrationNumber must be a valid business registration number`);
  }
  return normaliseBusinessNumber(brn.businessRegistrationNumber);
}
