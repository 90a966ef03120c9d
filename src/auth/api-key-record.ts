import { apiKeys } from '../../db/schema';

export type ApiKeyRecord = typeof apiKeys.$inferSelect;
