// Domain records behind the GraphQL types of complexes.graphql (picked up by scripts/codegen.ts).
import type { ComplexRecord, CentreRecord } from '../../src/complexes/complex-record';
import type { Connection } from '../../src/pagination';
import type { ComplexActivityEvent } from '../../src/pubsub';

export type ComplexMapper = ComplexRecord;
export type LogisticsCentreMapper = CentreRecord;
export type ComplexConnectionMapper = Connection<ComplexRecord>;
export type ComplexActivityMapper = ComplexActivityEvent;
