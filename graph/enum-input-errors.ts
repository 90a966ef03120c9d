import { GraphQLError, isEnumType, Kind, parse, visit, type GraphQLSchema, type ValueNode } from 'graphql';
import type { FieldIssue } from '../src/errors';
import { fieldPath } from '../src/validation';
import { PARSE_OPTIONS } from './security';

/** graphql-js's words for a value its enum does not hold: written in the document (parseLiteral) or sent as a variable (parseValue). */
const ENUM_PROBLEM = /^(?:Value ".*" does not exist in "(\w+)" enum\.|Enum "(\w+)" cannot represent non-(enum|string) value: )/s;
/** graphql-js's prefix for a variable's value that does not fit its type: the variable, and the field inside it. */
const VARIABLE_PROBLEM = /^Variable "\$(\w+)" got invalid value .*?(?: at "([^"]+)")?; ((?:Value|Enum) ".*)$/s;

/**
 * The field and rule of an error graphql-js raises for a value its enum does not hold, in the project's own words:
 * `input.storageClass`, `must be one of AMBIENT, CHILLED, …`. A variable's error names the field inside the variable
 * (`input.storageClass` for `$input`, as graphql-js writes it), a literal's the argument's path in the document,
 * which graphql-js leaves out (`Value "FROZENX" does not exist in "StorageClass" enum.`). Undefined for any other error.
 */
export function enumInputIssue(error: unknown, schema: GraphQLSchema): FieldIssue | undefined {
  // graphql-ws formats an error again (toGraphQLError keeps the one it stands for as its originalError).
  for (let e = error; e instanceof GraphQLError; e = e.originalError) {
    const issue = issueOf(e, schema);
    if (issue) return issue;
  }
  return undefined;
}

function issueOf(error: GraphQLError, schema: GraphQLSchema): FieldIssue | undefined {
  const variable = VARIABLE_PROBLEM.exec(error.message);
  const problem = ENUM_PROBLEM.exec(variable ? variable[3]! : error.message);
  if (!problem) return undefined;
  const type = schema.getType(problem[1] ?? problem[2]!);
  if (!isEnumType(type)) return undefined;
  const values = type.getValues().map((v) => v.name).join(', ');
  const rule = problem[3] === 'enum' ? `must be one of ${values}, written without quotes` : `must be one of ${values}`;
  if (variable) return { field: variable[2] ?? variable[1]!, rule };
  const field = literalPath(error);
  return field ? { field, rule } : undefined;
}

/** Where in its argument (or a variable's default) the literal an error points at was written: `input.availability[0].storageClass`. */
function literalPath(error: GraphQLError): string | undefined {
  const at = error.nodes?.[0]?.loc?.start;
  if (at === undefined || !error.source) return undefined;
  let found: PropertyKey[] | undefined;
  const walk = (value: ValueNode, path: PropertyKey[]): void => {
    if (value.loc?.start === at && value.kind !== Kind.OBJECT && value.kind !== Kind.LIST) found = path;
    else if (value.kind === Kind.OBJECT) for (const f of value.fields) walk(f.value, [...path, f.name.value]);
    else if (value.kind === Kind.LIST) value.values.forEach((v, i) => walk(v, [...path, i]));
  };
  visit(parse(error.source, PARSE_OPTIONS), {
    Argument: (argument) => walk(argument.value, [argument.name.value]),
    VariableDefinition: (definition) => (definition.defaultValue ? walk(definition.defaultValue, [definition.variable.name.value]) : undefined),
  });
  return found && fieldPath(found);
}
