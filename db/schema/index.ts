export * from './auth';
export * from './complexes';
export * from './demand';
export * from './enums';
export * from './idempotency';
export * from './supply';
export * from './matching';
export * from './bookings';
