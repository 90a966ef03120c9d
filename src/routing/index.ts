/** The routing core: pure pickup-and-delivery routing with time windows, knowing nothing of the marketplace. */
export { solve, type SolveOptions, type SolveResult } from './solve';
export { checkPlan, type PlanCheck } from './check';
export { RoutingInputError, type Matrix, type Plan, type PlanRoute, type PlanStop, type RoutingLeg, type RoutingProblem, type RoutingRequest, type RoutingStop, type RoutingTransfer, type RoutingVehicle } from './problem';
