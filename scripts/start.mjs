// `npm start`: the compiled demo seeding (only an empty database gets it), then the compiled service, rebuilt first
// when dist/ is missing or stale. One process: the service runs here, so a process manager's signal to `npm start`
// reaches it (npm execs this script).
import { pathToFileURL } from 'node:url';
import { build, ENTRY, isStale, SEED_ENTRY } from './build.mjs';

process.setSourceMapsEnabled(true);
if (isStale()) await build();
await import(pathToFileURL(SEED_ENTRY).href);
await import(pathToFileURL(ENTRY).href);
