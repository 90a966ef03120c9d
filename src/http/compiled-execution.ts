import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { execute, getVariableValues, Kind, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Context } from '../context';

type Gateway = ApolloServerOptionsWithGateway<Context>['gateway'];

/** Compiled queries kept (~75 kB each); past it the cache starts again (clients send a few dozen distinct queries). */
const MAX_COMPILED = 200;
/** A query is compiled when seen this often: compiling costs ~100 one-off executions, so one-off queries never pay it. */
const COMPILE_AT = 2;

/**
 * Apollo's executor for `schema`: queries that clients repeat run compiled by graphql-jit (a page of 20 requests
 * resolves ~250 fields, and graphql-js spends more interpreting them than the resolvers take), the rest by
 * graphql-js as before. Handed to Apollo as its `gateway`, Apollo's one hook for the executor: parsing,
 * validation, plugins and error formatting stay Apollo's.
 *
 * What stays graphql-js's: mutations (run in order, one at a time), subscriptions, introspection, any document
 * graphql-jit cannot compile, and every request that fails: variables are checked by graphql-js first (their
 * errors name the rule a DateTime broke), and a compiled run that reports an error is run again by graphql-js.
 */
export function compiledExecution(schema: GraphQLSchema): Gateway {
  const seen = new Map<string, number>();
  const compiled = new Map<string, CompiledQuery | null>();

  /** The compiled query for this document and operation, once it is hot; null to run it by graphql-js. */
  const compiledFor = (key: string, document: DocumentNode, operation: OperationDefinitionNode, operationName: string | null | undefined): CompiledQuery | null => {
    const known = compiled.get(key);
    if (known !== undefined) return known;
    if (operation.operation !== 'query' || readsSchema(document)) return remember(key, null);
    const count = (seen.get(key) ?? 0) + 1;
    if (count < COMPILE_AT) {
      if (seen.size >= MAX_COMPILED) seen.clear();
      seen.set(key, count);
      return null;
    }
    seen.delete(key);
    const result = compileQuery(schema, document, operationName ?? undefined);
    return remember(key, isCompiledQuery(result) ? result : null);
  };
  const remember = (key: string, query: CompiledQuery | null) => {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(key, query);
    return query;
  };

  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async load() {
      return {
        executor: async ({ document, operation, operationName, queryHash, request, context }) => {
          const variableValues = request.variables ?? {};
          const interpreted = () => execute({ schema, document, operationName, variableValues, contextValue: context }) as Promise<ExecutionResult>;
          const query = compiledFor(`${queryHash} ${operationName ?? ''}`, document, operation, operationName);
          if (!query) return interpreted();
          if (operation.variableDefinitions?.length && getVariableValues(schema, operation.variableDefinitions, variableValues).errors) return interpreted();
          const result = (await query.query(undefined, context, variableValues)) as ExecutionResult;
          // A query that fails runs again by graphql-js: its errors (locations, extensions, the partial data around
          // them) are then exactly those clients have always had. Queries only read, and errors are the rare case.
          return result.errors ? interpreted() : result;
        },
      };
    },
    async stop() {},
  };
}

/** Whether the document reads the schema itself (`__schema`, `__type`): introspection stays with graphql-js. */
function readsSchema(document: DocumentNode): boolean {
  const reads = (set: SelectionSetNode | undefined): boolean =>
    !!set?.selections.some((s) => (s.kind === Kind.FIELD && (s.name.value === '__schema' || s.name.value === '__type')) || ('selectionSet' in s && reads(s.selectionSet)));
  return document.definitions.some((d) => 'selectionSet' in d && reads(d.selectionSet));
}
