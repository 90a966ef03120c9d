// The PostgreSQL twin of db/schema, table for table (test/unit/db/pg-schema-drift.test.ts keeps them alike); value
// sets, types and record shapes stay in db/schema, their one home.
export * from './auth';
export * from './complexes';
export * from './demand';
export * from './idempotency';
export * from './supply';
export * from './matching';
export * from './bookings';
export * from './webhooks';
export * from './insights';
export * from './instances';
