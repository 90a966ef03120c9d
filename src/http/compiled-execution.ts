import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { execute, getVariableValues, Kind, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Context } from '../context';

type Gateway = ApolloServerOptionsWithGateway<Context>['gateway'];

/** A query Apollo has parsed, validated and run compiled: what a request repeating its text needs to run it again. */
export interface KnownQuery {
  /** The operation's name as the metrics label it (the named operation, else the document's first). */
  operationName: string | undefined;
  /** Runs it for these variables; null when they do not fit the operation (Apollo then answers with the errors). */
  run(context: Context, variables: Record<string, unknown>): Promise<ExecutionResult> | ExecutionResult | null;
}

export interface CompiledExecution {
  /** Apollo's executor: see compiledExecution. */
  gateway: Gateway;
  /** The query with this exact text and operation name, once Apollo has run it compiled; undefined before, and after Apollo stops. */
  known(query: string, operationName: string | undefined): KnownQuery | undefined;
}

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
export function compiledExecution(schema: GraphQLSchema): CompiledExecution {
  const seen = new Map<string, number>();
  const compiled = new Map<string, CompiledQuery | null>();
  /** By text and operation name: a request repeating a document Apollo has already validated (see `known`). */
  const byText = new Map<string, KnownQuery>();
  const knownFor = (query: CompiledQuery, operation: OperationDefinitionNode, operationName: string | undefined): KnownQuery => ({
    operationName,
    run: (context, variables) =>
      operation.variableDefinitions?.length && getVariableValues(schema, operation.variableDefinitions, variables).errors
        ? null
        : (query.query(undefined, context, variables) as Promise<ExecutionResult> | ExecutionResult),
  });

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

  const gateway: Gateway = {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async load() {
      return {
        executor: async ({ document, operation, operationName, queryHash, request, context }) => {
          const variableValues = request.variables ?? {};
          const interpreted = () => execute({ schema, document, operationName, variableValues, contextValue: context }) as Promise<ExecutionResult>;
          // No operation of the name the client sent (Apollo's operationName is then null), or several and none
          // named: graphql-js's errors for the request as sent, which Apollo answers as a 400.
          if (!operation) return execute({ schema, document, operationName: request.operationName, variableValues, contextValue: context }) as Promise<ExecutionResult>;
          const query = compiledFor(`${queryHash} ${operationName ?? ''}`, document, operation, operationName);
          if (!query) return interpreted();
          const known = knownFor(query, operation, request.operationName ?? operation.name?.value);
          const run = known.run(context as Context, variableValues);
          if (!run) return interpreted();
          const result = await run;
          if (!result.errors && request.query !== undefined) {
            if (byText.size >= MAX_COMPILED) byText.clear();
            byText.set(`${request.operationName ?? ''}\n${request.query}`, known);
          }
          // A query that fails runs again by graphql-js: its errors (locations, extensions, the partial data around
          // them) are then exactly those clients have always had. Queries only read, and errors are the rare case.
          return result.errors ? interpreted() : result;
        },
      };
    },
    async stop() {
      stopped = true;
      byText.clear();
    },
  };
  let stopped = false;
  return { gateway, known: (query, operationName) => (stopped ? undefined : byText.get(`${operationName ?? ''}\n${query}`)) };
}

/** Whether the document reads the schema itself (`__schema`, `__type`): introspection stays with graphql-js. */
function readsSchema(document: DocumentNode): boolean {
  const reads = (set: SelectionSetNode | undefined): boolean =>
    !!set?.selections.some((s) => (s.kind === Kind.FIELD && (s.name.value === '__schema' || s.name.value === '__type')) || ('selectionSet' in s && reads(s.selectionSet)));
  return document.definitions.some((d) => 'selectionSet' in d && reads(d.selectionSet));
}
