// The matching engine on a thread of its own (round-thread.ts asks it): one round at a time, in the order asked.
import { parentPort } from 'node:worker_threads';
import { runRound } from './engine/round';
import type { RoundAnswer, RoundAsk } from './round-thread';

const port = parentPort!;
port.on('message', ({ id, input, config }: RoundAsk) => {
  let answer: RoundAnswer;
  try {
    answer = { id, result: runRound(input, config) };
  } catch (error) {
    answer = { id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(answer);
});
