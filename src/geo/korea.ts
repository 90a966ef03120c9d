import type { LatLng } from './distance';

/**
 * Every place of the exchange (destinations, tracking positions, vehicles, listings) lies in this box: South Korea
 * from Jeju (33.1°N) to the DMZ (38.6°N), Baengnyeong-do (124.6°E) to Ulleung-do (130.9°E), less the two neighbours
 * inside it (below). Coarse on purpose (it holds sea): it catches swapped or mistyped coordinates and another country,
 * not every impossible address.
 */
export const KOREA_BOUNDS = { minLat: 33, maxLat: 38.7, minLng: 124.5, maxLng: 131 } as const;

/**
 * North Korea's edge, [lng, lat] west to east: north of it is the North. The Northern Limit Line past the five West
 * Sea islands (Baengnyeong-do west of 124.9°E), the Han estuary, then the Military Demarcation Line from Panmunjom
 * to the east coast at Goseong; within the DMZ's 2 km either side of the line, which nobody delivers to.
 */
const NORTH_KOREA_EDGE: readonly (readonly [number, number])[] = [
  [124.5, 38.03], [124.9, 38.03], [124.95, 37.73], [125.7, 37.71], [126.0, 37.76], [126.25, 37.83], [126.5, 37.79],
  [126.62, 37.78], [126.68, 37.95], [127.0, 38.12], [127.15, 38.28], [127.5, 38.32], [128.1, 38.33], [128.25, 38.45],
  [128.36, 38.61], [131, 38.62],
];
/** The Korea Strait's middle, [lat, lng] south to north: east of it is Japan (Tsushima, Kyushu, Honshu's tip). */
const JAPAN_EDGE: readonly (readonly [number, number])[] = [[33, 128.2], [34.55, 129.05], [35.3, 129.7], [36.2, 131]];

/** The polyline's value at `x`, its points [x, y] in increasing x; its ends held flat beyond them. */
function along(line: readonly (readonly [number, number])[], x: number): number {
  const after = line.findIndex(([px]) => px >= x);
  if (after <= 0) return after === 0 ? line[0]![1] : line.at(-1)![1];
  const [x0, y0] = line[after - 1]!;
  const [x1, y1] = line[after]!;
  return y0 + ((x - x0) / (x1 - x0)) * (y1 - y0);
}

/** In South Korea or its waters: the box, neither north of the North's edge nor across the Korea Strait. */
export function inKorea(p: LatLng): boolean {
  const inBox = p.lat >= KOREA_BOUNDS.minLat && p.lat <= KOREA_BOUNDS.maxLat && p.lng >= KOREA_BOUNDS.minLng && p.lng <= KOREA_BOUNDS.maxLng;
  return inBox && p.lat <= along(NORTH_KOREA_EDGE, p.lng) && p.lng <= along(JAPAN_EDGE, p.lat);
}

/** The rule `inKorea` checks, as a field's issue says it. */
export const IN_KOREA_RULE = `South Korea (lat ${KOREA_BOUNDS.minLat}–${KOREA_BOUNDS.maxLat}, lng ${KOREA_BOUNDS.minLng}–${KOREA_BOUNDS.maxLng}), south of the DMZ and west of the Korea Strait`;
