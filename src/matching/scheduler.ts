import { SYSTEM_ADMIN } from '../auth/viewer';
import { selectComplexes } from '../complexes/complex-record';
import type { Context } from '../context';
import { ConflictError } from '../errors';
import { executeRound } from './run-round';
import type { RoundLeases } from './round-leases-pg';

/**
 * Runs a round for every complex every `intervalSeconds`, one complex after another; a tick still running when
 * the next is due is not doubled. Another process's running round shows up as a ConflictError and that complex
 * is skipped until the next tick. With `leases` (several instances on PostgreSQL) an instance runs only the complexes
 * whose lease it holds, so each complex's rounds run once across instances and an instance's death hands them on.
 * Returns a function that stops the schedule, waits for the tick in progress and gives the leases back.
 */
export function startMatchingScheduler(ctx: Omit<Context, 'viewer'>, intervalSeconds: number, leases: RoundLeases | null = null): () => Promise<void> {
  const system: Context = { ...ctx, viewer: SYSTEM_ADMIN };
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = async () => {
    const complexes = selectComplexes(system);
    // A claim that fails (the database away) holds nothing this tick: another instance, or the next tick, runs them.
    const held = leases
      ? new Set(
          await leases.claim(complexes.map((c) => c.id)).catch((error: unknown) => {
            ctx.logger.error({ err: error }, 'claiming round leases failed');
            return [];
          }),
        )
      : null;
    for (const complex of complexes) {
      if (stopped) return;
      if (held && !held.has(complex.id)) continue;
      try {
        const round = await executeRound(system, complex, 'SCHEDULED', null);
        ctx.logger.info({ complex: complex.code, roundId: round.id, report: round.report }, 'scheduled matching round completed');
      } catch (error) {
        if (error instanceof ConflictError) continue;
        ctx.logger.error({ err: error, complex: complex.code }, 'scheduled matching round failed');
      }
    }
  };
  const timer = setInterval(() => {
    running ??= tick().finally(() => (running = null));
  }, intervalSeconds * 1000);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
    await leases?.close();
  };
}
