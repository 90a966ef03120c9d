import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type Response, type Router } from 'express';
import { packageFile } from '../../db/package-file';

// The page's own files stay with the dashboard's sources; packageFile finds them from source and from dist/ alike.
const PUBLIC_DIR = packageFile('src', 'dashboard', 'public');

const require = createRequire(import.meta.url);
/** A file of an installed package, found the way Node finds the package (not relative to the working directory). */
const vendorFile = (name: string, file: string) => join(dirname(require.resolve(`${name}/package.json`)), file);

/** Browser builds the page loads as classic scripts; each defines one global (`h3`, `graphqlWs`). */
const VENDOR_SCRIPTS: Record<string, string> = {
  '/vendor/h3-js.js': vendorFile('h3-js', 'dist/h3-js.umd.js'),
  '/vendor/graphql-ws.js': vendorFile('graphql-ws', 'umd/graphql-ws.min.js'),
};

/**
 * Everything from this origin, nothing from anywhere else: the dashboard must work offline, and the browser
 * enforces it. The page's own host is listed for WebSockets (ws: and wss:, as the page is served over http or
 * https) because not every browser counts them as 'self'; any other host is refused.
 */
function contentSecurityPolicy(host: string | undefined): string {
  const sockets = host && /^[A-Za-z0-9.\-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/.test(host) ? ` ws://${host} wss://${host}` : '';
  return [`default-src 'self'`, `connect-src 'self'${sockets}`, "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"].join('; ');
}

/** Small files that change with each release: revalidate every time (ETags keep that cheap). */
function setDashboardHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy(res.req.headers.host));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-cache');
}

/** The operators' live dashboard at `/` and the two browser libraries it uses, all served by the service itself. */
export function dashboardRoutes(): Router {
  const router = express.Router();
  for (const [path, file] of Object.entries(VENDOR_SCRIPTS)) {
    router.get(path, (_req, res, next) => {
      setDashboardHeaders(res);
      res.sendFile(file, (error) => error && next(error));
    });
  }
  // No redirect from a folder (/i18n) to its slash: it would be an HTML page, and /i18n/ lists nothing anyway (a JSON 404).
  router.use(express.static(PUBLIC_DIR, { setHeaders: setDashboardHeaders, redirect: false }));
  return router;
}
