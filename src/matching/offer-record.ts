import { offers } from '../../db/schema';

export type OfferRecord = typeof offers.$inferSelect;
