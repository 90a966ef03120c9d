// The matching engine on a thread of its own (round-thread.ts asks it): one round at a time, in the order asked.
import { parentPort, workerData } from 'node:worker_threads';
import { runRound } from './engine/round';
import type { RoundAnswer, RoundAsk, RoundThreadData } from './round-thread';

const port = parentPort!;
const { stopping } = workerData as RoundThreadData;
// Read between the search's iterations: a stop (cutRounds) ends the round in hand with its best plan so far.
const cut = () => Atomics.load(stopping, 0) > 0;
port.on('message', ({ id, input, config }: RoundAsk) => {
  let answer: RoundAnswer;
  try {
    answer = { id, result: runRound(input, config, { cut }) };
  } catch (error) {
    answer = { id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(answer);
});
