import { GraphQLError, isEnumType, Kind, parse, visit, type GraphQLSchema, type ValueNode } from 'graphql';
import type { FieldIssue } from '../errors';
import { fieldPath } from '../validation';
import { PARSE_OPTIONS } from '../../graph/security';

/** graphql-js's words for a value its enum does not hold: written in the document (parseLiteral) or sent as a variable (parseValue). */
const ENUM_PROBLEM = /^(?:Value ".*" does not exist in "(\w+)" enum\.|Enum "(\w+)" cannot represent non-(enum|string) value: )/s;
/** graphql-js's prefix for a variable's value that does not fit its type: the variable, and the field inside it. */
const VARIABLE_PROBLEM = /^Variable "\$(\w+)" got invalid value .*?(?: at "([^"]+)")?; ((?:Value|Enum) ".*)$/s;
/** A required field left out of an object written in the document: the object's node is the one pointed at. */
const MISSING_FIELD = /^Field "\w+\.(\w+)" of required type "(.+)" was not provided\.$/;
/** A field an input type does not have, written in the document. */
const UNKNOWN_FIELD = /^Field "\w+" is not defined by type "(\w+)"\.(.*)$/s;

/**
 * The field and rule of an error graphql-js raises for a value written in the document or sent in a variable, as the
 * project's own input errors name them (`input.storageClass`, `must be one of AMBIENT, CHILLED, …`):
 * - a value its enum does not hold, written or sent: the values it takes (a variable's field as graphql-js writes it,
 *   `input.storageClass` inside `$input`);
 * - any other value written in an argument (a string for an Int, a field left out or unknown, null for a required
 *   one): its path under the argument, which graphql-js leaves out (`Int cannot represent non-integer value: "5"`),
 *   with graphql-js's words as the rule. A variable's other errors name their path already and are left as they are.
 * Undefined for any other error.
 */
export function inputValueIssue(error: unknown, schema: GraphQLSchema): FieldIssue | undefined {
  // graphql-ws formats an error again (toGraphQLError keeps the one it stands for as its originalError).
  for (let e = error; e instanceof GraphQLError; e = e.originalError) {
    const issue = issueOf(e, schema);
    if (issue) return issue;
  }
  return undefined;
}

function issueOf(error: GraphQLError, schema: GraphQLSchema): FieldIssue | undefined {
  const variable = VARIABLE_PROBLEM.exec(error.message);
  if (variable) {
    const rule = enumRule(variable[3]!, schema);
    return rule ? { field: variable[2] ?? variable[1]!, rule } : undefined;
  }
  const path = literalPath(error);
  if (!path) return undefined;
  const missing = MISSING_FIELD.exec(error.message);
  if (missing) return { field: fieldPath([...path, missing[1]!]), rule: `must be given (${missing[2]})` };
  const unknown = UNKNOWN_FIELD.exec(error.message);
  if (unknown) return { field: fieldPath(path), rule: `is not a field of ${unknown[1]}${unknown[2]!.trim() ? `.${unknown[2]}` : ''}` };
  return { field: fieldPath(path), rule: enumRule(error.message, schema) ?? error.message };
}

/** `must be one of …` when `message` is graphql-js's for a value its enum does not hold. */
function enumRule(message: string, schema: GraphQLSchema): string | undefined {
  const problem = ENUM_PROBLEM.exec(message);
  const type = problem && schema.getType(problem[1] ?? problem[2]!);
  if (!problem || !isEnumType(type)) return undefined;
  const values = type.getValues().map((v) => v.name).join(', ');
  return problem[3] === 'enum' ? `must be one of ${values}, written without quotes` : `must be one of ${values}`;
}

/**
 * Where in its argument (or a variable's default) the value or object field an error points at was written, as path
 * parts (`['input', 'availability', 0, 'storageClass']`); undefined when the error points elsewhere.
 */
function literalPath(error: GraphQLError): PropertyKey[] | undefined {
  const at = error.nodes?.[0]?.loc?.start;
  if (at === undefined || !error.source) return undefined;
  let found: PropertyKey[] | undefined;
  const walk = (value: ValueNode, path: PropertyKey[]): void => {
    if (value.loc?.start === at) found = path;
    else if (value.kind === Kind.OBJECT) {
      for (const f of value.fields) {
        if (f.loc?.start === at) found = [...path, f.name.value]; // an unknown field: the field itself is pointed at
        else walk(f.value, [...path, f.name.value]);
      }
    }
    else if (value.kind === Kind.LIST) value.values.forEach((v, i) => walk(v, [...path, i]));
  };
  visit(parse(error.source, PARSE_OPTIONS), {
    Argument: (argument) => walk(argument.value, [argument.name.value]),
    VariableDefinition: (definition) => (definition.defaultValue ? walk(definition.defaultValue, [definition.variable.name.value]) : undefined),
  });
  return found;
}
