import { Worker } from 'node:worker_threads';
import type { ConfigOverrides, RoundInput, RoundResult } from './engine';

export interface RoundAsk {
  id: number;
  input: RoundInput;
  config: ConfigOverrides;
}
export type RoundAnswer = { id: number; result: RoundResult } | { id: number; error: string };

// Compiled, the worker is an entry of the build (dist/round-worker.js) beside this chunk; from source, tsx loads it.
const ENTRY = import.meta.url.endsWith('.ts') ? new URL('./round-worker-source.mjs', import.meta.url) : new URL('./round-worker.js', import.meta.url);

type Asker = { resolve: (result: RoundResult) => void; reject: (error: Error) => void };
let thread: { worker: Worker; waiting: Map<number, Asker> } | null = null;
let lastId = 0;
/** Rounds asked of the thread and not yet answered, for a stop to wait on (roundsAnswered). */
const unanswered = new Set<Promise<RoundResult>>();
/** Stops in progress, shared with the thread (its workerData): while above 0, every round's search ends at once. */
const stopping = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
export interface RoundThreadData {
  stopping: Int32Array;
}

/**
 * Cuts the search of every round on the thread, the one in hand and those asked until the returned function is
 * called: each offers its best plan so far, so that a stop need not wait out MATCHING_ROUND_SECONDS. Scoped, not a
 * flag for good: a process that runs several services (tests, one instance of several stopping) searches in full
 * again once that stop is over.
 */
export function cutRounds(): () => void {
  Atomics.add(stopping, 0, 1);
  return () => void Atomics.sub(stopping, 0, 1);
}

/**
 * Settles once every round asked of the thread so far has its answer. A stop cuts them (cutRounds), then waits here
 * before draining HTTP: the drain's grace then starts once an operator's round has its plan to write, not while a
 * loaded machine is still ending its search (the grace once closed the operator's connection before its answer).
 */
export async function roundsAnswered(): Promise<void> {
  await Promise.allSettled([...unanswered]);
}

/**
 * Runs the engine's round on the matching thread. The search takes seconds of CPU (MATCHING_ROUND_SECONDS): on the
 * event loop it held every request, health check and signal of the process that long. One thread, started with the
 * first round and kept for the next, holds the process open only while it has a round to run; rounds queue on it.
 */
export function runRoundOffThread(input: RoundInput, config: ConfigOverrides): Promise<RoundResult> {
  const { worker, waiting } = (thread ??= startThread());
  const id = ++lastId;
  const answer = new Promise<RoundResult>((resolve, reject) => waiting.set(id, { resolve, reject }));
  unanswered.add(answer);
  const answered = () => void unanswered.delete(answer);
  answer.then(answered, answered);
  worker.ref();
  worker.postMessage({ id, input, config } satisfies RoundAsk);
  return answer;
}

function startThread(): NonNullable<typeof thread> {
  // Not the process's own flags: a preload such as `--import` of the demo seeding is no business of the thread's.
  const worker = new Worker(ENTRY, { execArgv: [], workerData: { stopping } satisfies RoundThreadData });
  const waiting = new Map<number, Asker>();
  worker.on('message', (answer: RoundAnswer) => {
    const asker = waiting.get(answer.id)!;
    waiting.delete(answer.id);
    if (waiting.size === 0) worker.unref();
    if ('error' in answer) asker.reject(new Error(answer.error));
    else asker.resolve(answer.result);
  });
  // A thread that dies (out of memory, a crash) fails the rounds it held; the next round starts another.
  const died = (error: Error) => {
    if (thread?.worker === worker) thread = null;
    for (const asker of waiting.values()) asker.reject(error);
    waiting.clear();
  };
  worker.on('error', died);
  worker.on('exit', (code) => died(new Error(`The matching thread stopped (exit code ${code})`)));
  return { worker, waiting };
}
