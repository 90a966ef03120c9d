// Domain records behind the GraphQL types of insights.graphql (picked up by scripts/codegen.ts).
import type { ComplexInsights } from '../../src/insights/get-complex-insights';

/** Its `unmatched` counts are read only when asked (graph/resolvers/insights.ts). */
export type ComplexInsightsMapper = ComplexInsights;
