import { podImages, proofsOfDelivery, trackingEvents } from '../../db/schema';

export type TrackingEventRecord = typeof trackingEvents.$inferSelect;
export type PodImageRecord = typeof podImages.$inferSelect;
export type ProofOfDeliveryRecord = typeof proofsOfDelivery.$inferSelect & { image: PodImageRecord };
