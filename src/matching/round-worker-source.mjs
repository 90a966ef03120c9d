// The matching thread run from source (tsx, vitest): compiled, dist/round-worker.js is the worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./round-worker.ts');
