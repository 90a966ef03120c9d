/** Public surface of the matching engine: pure functions over plain data. */
export { runRound, prepareRound, type PreparedRound } from './round';
export { DEFAULT_CONFIG, resolveConfig, roadKm, travelMs, type ConfigOverrides, type MatchingConfig } from './config';
export type * from './types';
export { kstDayOf, dayFromIso, isoFromDay } from './days';
export { CandidateIndex, type CandidateHit } from './candidates';
export { canShareVehicle, cargoFitsBody, excludedAlongside, storageClassAllows, type RefusalReason } from './feasibility';
export { transportCost, storageCost } from './cost';
export { fairSplit, type SplitShare } from './fair-split';
export { poolRoutes, type PlannedRoute } from './pooling';
export { solveAssignment, toSparseCosts, type AssignmentResult, type SparseCosts } from './assignment';
export { assignTransport, evaluateTransport, type TransportAssignment, type TransportPlan } from './transport';
export { baselineFor, type BaselineLeg, type OfferBaseline } from './baseline';
export { createContext, type RoundContext, type TransportJob, type VehicleProfile } from './context';
export { buildJob } from './jobs';
export { whyUnserved, type UnservedRequest } from './unserved';
export { planStorage, StorageLedger, type StoragePlan } from './storage';
export { syntheticRound, seededRandom, SYNTHETIC_NOW, BANWOL_SIHWA, type SyntheticOptions } from './synthetic';
