import { SYSTEM_ADMIN } from '../auth/viewer';
import { selectComplexes } from '../complexes/complex-record';
import type { Context } from '../context';
import { ConflictError } from '../errors';
import { executeRound } from './run-round';

/**
 * Runs a round for every complex every `intervalSeconds`. Rounds are synchronous, so one tick never
 * overlaps the next in this process; another process's running round shows up as a ConflictError and
 * that complex is skipped until the next tick. Returns a function that stops the schedule.
 */
export function startMatchingScheduler(ctx: Omit<Context, 'viewer'>, intervalSeconds: number): () => void {
  const system: Context = { ...ctx, viewer: SYSTEM_ADMIN };
  const timer = setInterval(() => {
    for (const complex of selectComplexes(system)) {
      try {
        const round = executeRound(system, complex, 'SCHEDULED', null);
        ctx.logger.info({ complex: complex.code, roundId: round.id, report: round.report }, 'scheduled matching round completed');
      } catch (error) {
        if (error instanceof ConflictError) continue;
        ctx.logger.error({ err: error, complex: complex.code }, 'scheduled matching round failed');
      }
    }
  }, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
