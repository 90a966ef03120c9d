// `npm start`: the compiled service, rebuilt first when dist/ is missing or stale. One process: the service
// runs here, so a process manager's signal to `npm start` reaches it (npm execs this script).
import { pathToFileURL } from 'node:url';
import { build, ENTRY, isStale } from './build.mjs';

process.setSourceMapsEnabled(true);
if (isStale()) await build();
await import(pathToFileURL(ENTRY).href);
