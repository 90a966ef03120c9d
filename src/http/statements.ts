import express, { type RequestHandler, type Response, type Router } from 'express';
import type { Context } from '../context';
import { localIdOf } from '../global-id';
import { getCentreStatement } from '../settlement/get-centre-statement';
import { getStatement } from '../settlement/get-statement';
import { statementCsv } from '../settlement/statement-csv';

/** Where statements are downloaded as CSV: GET /statements/:organisationId/:month.csv, /statements/centres/:complexCode/:month.csv. */
export const STATEMENTS_PATH = '/statements';

export interface StatementRouteDeps {
  /** Rate-limits and authenticates (Bearer API key) into `res.locals.viewer`, as for /graphql. */
  admit: RequestHandler;
  contextOf: (res: Response) => Context;
}

/**
 * The `statement` and `centreStatement` queries as CSV downloads, with the same admission and access rules. Errors go to the app's
 * error handler: GraphQL-shaped JSON with the domain error's HTTP status.
 */
export function statementRoutes(deps: StatementRouteDeps): Router {
  const router = express.Router();
  const send = (res: Response, fileName: string, csv: string) => {
    res.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${fileName}"`, 'Cache-Control': 'private, no-store' });
    res.send(csv);
  };
  // Express 5 passes a rejected handler's error to the app's error handler.
  router.get('/:organisationId/:month.csv', deps.admit, async (req, res) => {
    const organisationId = localIdOf(String(req.params.organisationId), 'Organisation', 'organisationId');
    const statement = await getStatement({ ctx: deps.contextOf(res), input: { organisationId, month: String(req.params.month) } });
    send(res, `statement-${statement.organisation.businessRegistrationNumber}-${statement.month}.csv`, statementCsv(statement));
  });
  router.get('/centres/:complexCode/:month.csv', deps.admit, async (req, res) => {
    const statement = await getCentreStatement({ ctx: deps.contextOf(res), input: { complexCode: String(req.params.complexCode), month: String(req.params.month) } });
    send(res, `statement-${statement.centre.businessRegistrationNumber}-${statement.month}.csv`, statementCsv(statement));
  });
  return router;
}
