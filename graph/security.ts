import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, Kind, NoSchemaIntrospectionCustomRule, TypeInfo, visit, visitWithTypeInfo, type ASTVisitor, type ParseOptions, type ValidationContext, type ValidationRule } from 'graphql';
import { ValidationError } from '../src/errors';
import { PageArgs } from '../src/pagination';
import { parseArgs } from '../src/validation';

/**
 * Limits on what one operation may ask for. The deepest legitimate query (a connection's edge → node →
 * nested record → its fields) is under 8 levels. The cost counts a page's fields `first` times: any list's largest
 * page (100) with every field two levels of records deep fits (bookings, the richest, costs some 64,000; at 5,000 a
 * page of 100 with its scalar fields alone was refused); two such pages of bookings under aliases do not.
 */
export const OPERATION_LIMITS = { depth: 10, aliases: 15, directives: 20, cost: 100_000, tokens: 2_000 } as const;

export const PARSE_OPTIONS: ParseOptions = { maxTokens: OPERATION_LIMITS.tokens };

/**
 * Armor's rules throw by default, which Apollo turns into a 500; reporting to the validation context
 * makes them ordinary GRAPHQL_VALIDATION_FAILED errors (HTTP 400), like graphql's own rules.
 */
const reportAsValidationError = {
  exposeLimits: true,
  propagateOnRejection: false,
  // The cost comes as a float ("found 5511.84375"): whole points read better.
  onReject: [(ctx: ValidationContext | null, error: GraphQLError) => ctx?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, '').replace(/\d+\.\d+/g, (n) => String(Math.round(Number(n))))))],
};

/** `first` as every field that takes one reads it (the lists, `recentActivity`): 1 to MAX_PAGE_SIZE. */
const PageSize = PageArgs.pick({ first: true });

/**
 * Each `first` written in the document outside its range, as the resolver refuses one sent in a variable: the
 * ValidationError naming `first`, which formatError answers BAD_USER_INPUT with its issues.
 */
function pageSizeErrors(context: ValidationContext): GraphQLError[] {
  const typeInfo = new TypeInfo(context.getSchema());
  const errors: GraphQLError[] = [];
  visit(
    context.getDocument(),
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        // An argument the schema does not have is graphql's own rules' to name.
        if (node.name.value !== 'first' || node.value.kind !== Kind.INT || !typeInfo.getArgument()) return;
        try {
          parseArgs(PageSize, { first: Number(node.value.value) });
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          errors.push(new GraphQLError(error.message, { nodes: node, originalError: error }));
        }
      },
    }),
  );
  return errors;
}

/**
 * `rule` (the cost's) for a document whose written `first`s are in range; otherwise those `first`s, named. The cost
 * counts a page `first` times, and `first: 10000` was refused as a cost the client never chose.
 */
function pageSizesBefore(rule: ValidationRule): ValidationRule {
  return (context) => {
    const refused = pageSizeErrors(context);
    // Reported while validate visits, which stops at its error cap; while it builds the rules it would throw.
    return refused.length === 0 ? rule(context) : { Document: () => refused.forEach((error) => context.reportError(error)) };
  };
}

/**
 * One `__schema` per document: the cost rule leaves introspection out, and under aliases one request of 15 had the
 * whole schema answered 15 times (2.8 MB). A tool's introspection query asks for it once.
 */
function oneSchemaIntrospection(context: ValidationContext): ASTVisitor {
  let seen = 0;
  return {
    Field(node) {
      if (node.name.value === '__schema' && ++seen === 2) {
        context.reportError(new GraphQLError('At most one __schema field per document: it answers the whole schema; ask for it once', { nodes: node }));
      }
    },
  };
}

/**
 * Validation rules added to graphql's own, for HTTP (Apollo) and WebSocket (graphql-ws) alike.
 * Introspection is refused in production, where the schema is not for browsing, and asked once elsewhere.
 */
export function securityRules({ production }: { production: boolean }): ValidationRule[] {
  const rules: ValidationRule[] = [
    maxDepthRule({ n: OPERATION_LIMITS.depth, ...reportAsValidationError }),
    maxAliasesRule({ n: OPERATION_LIMITS.aliases, ...reportAsValidationError }),
    maxDirectivesRule({ n: OPERATION_LIMITS.directives, ...reportAsValidationError }),
    pageSizesBefore(costLimitRule({ maxCost: OPERATION_LIMITS.cost, ...reportAsValidationError })),
  ];
  rules.push(production ? NoSchemaIntrospectionCustomRule : oneSchemaIntrospection);
  return rules;
}
