import { matchingRounds } from '../../db/schema';

export type MatchingRoundRecord = typeof matchingRounds.$inferSelect;
