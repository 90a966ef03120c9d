import { routes } from '../../db/schema';

export type RouteRecord = typeof routes.$inferSelect;
