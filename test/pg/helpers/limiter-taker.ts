/**
 * One instance's admission for the shared rate-limit test: its own process and pool. Takes TAKER_COUNT tokens of
 * TAKER_ID (TAKER_PER_MINUTE) at a frozen clock, several at once, and prints `{ waits }` as one JSON line.
 */
import pg from 'pg';
import { PgRateLimiter } from '../../../src/auth/rate-limiter-pg';

const pool = new pg.Pool({ connectionString: process.env.TAKER_URL!, max: 4 });
const limiter = new PgRateLimiter(pool, Number(process.env.TAKER_PER_MINUTE), () => Number(process.env.TAKER_NOW));
const waits = await Promise.all(Array.from({ length: Number(process.env.TAKER_COUNT) }, () => limiter.take(process.env.TAKER_ID!)));
await pool.end();
process.stdout.write(`${JSON.stringify({ waits })}\n`);
