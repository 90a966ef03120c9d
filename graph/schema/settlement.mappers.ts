// Domain records behind the GraphQL types of settlement.graphql (picked up by scripts/codegen.ts).
import type { Statement, StatementLine, StatementTrip, TaxParty } from '../../src/settlement/get-statement';

export type StatementMapper = Statement;
export type StatementLineMapper = StatementLine;
export type StatementTripMapper = StatementTrip;
export type TaxInvoicePartyMapper = TaxParty;
