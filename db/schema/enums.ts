/** Value sets stored as text with CHECK constraints; the domain and GraphQL enums use the same spellings. */
export const TONNAGE_CLASSES = ['T1', 'T1_4', 'T2_5', 'T3_5', 'T5', 'T11', 'T25'] as const;
export const BODY_TYPES = ['CARGO', 'WING', 'BOX', 'REFRIGERATED', 'FROZEN', 'FLATBED', 'TANK'] as const;
export const CARGO_CLASSES = ['GENERAL', 'CHILLED', 'FROZEN', 'HAZMAT', 'OVERSIZE', 'LIQUID_BULK'] as const;
export const STORAGE_CLASSES = ['AMBIENT', 'CHILLED', 'FROZEN', 'HAZMAT', 'BONDED', 'OUTDOOR_YARD'] as const;
export const LOADING_METHODS = ['FORKLIFT', 'HOIST', 'BY_HAND'] as const;
export const LISTING_STATUSES = ['ACTIVE', 'WITHDRAWN'] as const;
export const VEHICLE_STATUSES = ['ACTIVE', 'RETIRED'] as const;
export const REQUEST_STATUSES = ['OPEN', 'OFFERED', 'BOOKED', 'PICKED_UP', 'AT_CENTRE', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED', 'EXPIRED'] as const;

export type TonnageClass = (typeof TONNAGE_CLASSES)[number];
export type BodyType = (typeof BODY_TYPES)[number];
export type CargoClass = (typeof CARGO_CLASSES)[number];
export type StorageClass = (typeof STORAGE_CLASSES)[number];
export type LoadingMethod = (typeof LOADING_METHODS)[number];
export type ListingStatus = (typeof LISTING_STATUSES)[number];
export type VehicleStatus = (typeof VEHICLE_STATUSES)[number];
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** `col in ('A','B',…)` for a CHECK constraint. */
export const inList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(',');
