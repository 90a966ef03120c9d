import { organisations } from '../../db/schema';

export type OrganisationRecord = typeof organisations.$inferSelect;
