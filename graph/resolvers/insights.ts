import { getComplexInsights } from '../../src/insights/get-complex-insights';
import { getHeatmap } from '../../src/insights/get-heatmap';
import { countUnmatched } from '../../src/insights/count-unmatched';
import type { Resolvers } from '../generated/resolvers-types';

export const insightsResolvers: Resolvers = {
  Query: {
    complexInsights: (_, args, ctx) => getComplexInsights({ ctx, input: args }),
    heatmap: (_, args, ctx) => getHeatmap({ ctx, input: args }),
  },
  ComplexInsights: {
    unmatched: (insights, _, ctx) => countUnmatched({ ctx, input: insights }),
  },
};
