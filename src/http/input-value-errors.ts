import { GraphQLError, isEnumType, Kind, parse, visit, type GraphQLSchema, type ValueNode } from 'graphql';
import type { FieldIssue } from '../errors';
import { fieldPath } from '../validation';
import { PARSE_OPTIONS } from '../../graph/security';

/** graphql-js's words for a value its enum does not hold: written in the document (parseLiteral) or sent as a variable (parseValue). */
const ENUM_PROBLEM = /^(?:Value ".*" does not exist in "(\w+)" enum\.|Enum "(\w+)" cannot represent non-(enum|string) value: (\[)?)/s;
/**
 * graphql-js's prefix for a variable's value that does not fit its type: the variable, the field inside it, and the
 * problem, which starts with one of graphql-js's own openings (a value such as notes may hold "; " itself).
 */
const VARIABLE_PROBLEM = /^Variable "\$(\w+)" got invalid value .*?(?: at "([^"]+)")?; ((?:Value|Enum|Int|Float|String|Boolean|ID|Expected|Field) .*)$/s;
/**
 * A required field left out of an object, written in the document (graphql-js names it `Type.field`) or sent in a
 * variable (`field`): the object is the one pointed at.
 */
const MISSING_FIELD = /^Field "(?:\w+\.)?(\w+)" of required type "(.+)" was not provided\.$/;
/** A field an input type does not have, written in the document or sent in a variable. */
const UNKNOWN_FIELD = /^Field "(\w+)" is not defined by type "(\w+)"\.(.*)$/s;

/**
 * The field and rule of an error graphql-js raises for a value written in the document or sent in a variable, as the
 * project's own input errors name them (`input.storageClass`, `must be one of AMBIENT, CHILLED, …`):
 * - a value its enum does not hold, written or sent: the values it takes (a variable's field as graphql-js writes it,
 *   `input.storageClass` inside `$input`);
 * - any other value, written in an argument or sent in a variable (a string for an Int, a field left out or unknown,
 *   null for a required one): its path under the argument or variable, with the rule in words a form's user
 *   understands (plainRule), graphql-js's own where there are none.
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
  if (variable) return issueAt(variable[2] ?? variable[1]!, variable[3]!, schema);
  const path = literalPath(error);
  // An unknown field is pointed at itself: issueAt names it under its object, as a variable's problem does.
  return path && issueAt(fieldPath(UNKNOWN_FIELD.test(error.message) ? path.slice(0, -1) : path), error.message, schema);
}

/** The issue graphql-js's `problem` states of the value at `field`: a field of it left out or unknown, or its own rule. */
function issueAt(field: string, problem: string, schema: GraphQLSchema): FieldIssue {
  const missing = MISSING_FIELD.exec(problem);
  if (missing) return { field: `${field}.${missing[1]}`, rule: `must be given (${missing[2]})` };
  const unknown = UNKNOWN_FIELD.exec(problem);
  if (unknown) return { field: `${field}.${unknown[1]}`, rule: `is not a field of ${unknown[2]}${unknown[3]!.trim() ? `.${unknown[3]}` : ''}` };
  return { field, rule: plainRule(problem, schema) };
}

/** How a number is written, for the phone form that sent "1,5", "１０" or "열개". */
const WHOLE_NUMBER = 'must be a whole number such as 1500, written with the digits 0–9 only (no commas, spaces, units or quotes)';
const DECIMAL_NUMBER = 'must be a number such as 37.33, written with the digits 0–9 and a point for decimals (no commas, spaces, units or quotes)';

/** graphql-js's words for a value that does not fit its type, and the rule a form's user reads instead. */
const PLAIN_RULES: [RegExp, (found: RegExpExecArray) => string][] = [
  [/^Int cannot represent non-integer value: (.*)$/s, (found) => `${WHOLE_NUMBER}: got ${found[1]}`],
  [/^Int cannot represent non 32-bit signed integer value: (.*)$/s, (found) => `must be a whole number from -2147483648 to 2147483647: got ${found[1]}`],
  [/^Float cannot represent non numeric value: (.*)$/s, (found) => `${DECIMAL_NUMBER}: got ${found[1]}`],
  [/^Expected non-nullable type "(.+)" not to be null\.$/s, (found) => `must be given (${found[1]})`],
  // The project's scalars (DateTime, Krw) state their rule after their name: sent, or written in the query.
  [/^Expected (?:type "(\w+)"\.|value of type "(\w+)!?", found .*?;) (?:\1|\2) (must .*)$/s, (found) => found[3]!],
];

/** The rule `message`, graphql-js's for a value that does not fit its type, states: in plain words where it has them. */
function plainRule(message: string, schema: GraphQLSchema): string {
  const enumValues = enumRule(message, schema);
  if (enumValues) return enumValues;
  for (const [pattern, rule] of PLAIN_RULES) {
    const found = pattern.exec(message);
    if (found) return rule(found);
  }
  return message;
}

/** `must be one of …` when `message` is graphql-js's for a value its enum does not hold. */
function enumRule(message: string, schema: GraphQLSchema): string | undefined {
  const problem = ENUM_PROBLEM.exec(message);
  const type = problem && schema.getType(problem[1] ?? problem[2]!);
  if (!problem || !isEnumType(type)) return undefined;
  const values = type.getValues().map((v) => v.name).join(', ');
  // A list (as shipmentRequests' status filter takes) where one value is taken: the values alone would list what was sent.
  if (problem[4]) return `must be one of ${values}: one value, not a list`;
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
        if (f.loc?.start === at) found = [...path, f.name.value]; // an unknown or repeated field: the field itself is pointed at
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
