// Domain records behind the GraphQL types of settlement.graphql (picked up by scripts/codegen.ts).
import type { CentreStatement } from '../../src/settlement/get-centre-statement';
import type { Statement, StatementTrip } from '../../src/settlement/get-statement';
import type { StatementLine, TaxParty } from '../../src/settlement/statement-lines';

export type StatementMapper = Statement;
export type CentreStatementMapper = CentreStatement;
export type StatementLineMapper = StatementLine;
export type StatementTripMapper = StatementTrip;
export type TaxInvoicePartyMapper = TaxParty;
