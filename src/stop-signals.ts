/**
 * SIGINT and SIGTERM as requests to stop: the first one heard starts an orderly stop, a later one ends the process
 * at once. Under `npm start` a terminal's Ctrl-C reaches the process twice, from the terminal and forwarded by npm,
 * moments apart. A process busy at that moment (loading the demo, writing a round) hears the copy only when its
 * loop is free again, maybe seconds later by the clock. So the copy is told apart by the loop's own time: a signal
 * asks anew only once the loop has run SAME_REQUEST_MS since the first, counted in short steps that a blocked loop
 * does not take.
 */
const SAME_REQUEST_MS = 1000;
const STEP_MS = 100;

type StopSignal = 'SIGINT' | 'SIGTERM';

export interface StopRequests {
  /** What a handler of SIGINT or SIGTERM calls: the first time `onFirst`, then `onAgain` once the loop has run on. */
  hear: (signal: StopSignal) => void;
  requested: () => boolean;
}

export function stopRequests(onFirst: (signal: StopSignal) => void, onAgain: (signal: StopSignal) => void): StopRequests {
  let heard = false;
  let settled = false;
  const settle = (steps: number) => {
    if (steps === 0) settled = true;
    else setTimeout(() => settle(steps - 1), STEP_MS).unref();
  };
  return {
    hear(signal) {
      if (!heard) {
        heard = true;
        settle(SAME_REQUEST_MS / STEP_MS);
        return onFirst(signal);
      }
      if (settled) onAgain(signal);
    },
    requested: () => heard,
  };
}

/** Listens for SIGINT and SIGTERM with `stopRequests`; `release` stops listening. */
export function onStopSignals(onFirst: (signal: StopSignal) => void, onAgain: (signal: StopSignal) => void): StopRequests & { release: () => void } {
  const requests = stopRequests(onFirst, onAgain);
  const signals: StopSignal[] = ['SIGINT', 'SIGTERM'];
  for (const signal of signals) process.on(signal, requests.hear);
  return {
    ...requests,
    release: () => {
      for (const signal of signals) process.off(signal, requests.hear);
    },
  };
}
