import { offers } from '../../db/schema';

export type OfferRecord = typeof offers.$inferSelect;

/** What an offer's price is made of, as the API and the webhooks give it (`CostBreakdown`). */
export const breakdownOf = (o: OfferRecord) => ({ baseKrw: o.baseKrw, distanceKrw: o.distanceKrw, storageKrw: o.storageKrw, handlingKrw: o.handlingKrw, stopsKrw: o.stopsKrw, waitingKrw: o.waitingKrw });
