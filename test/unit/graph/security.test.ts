import { getIntrospectionQuery, getNamedType, isEnumType, isObjectType, isScalarType, parse, validate, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildGraphSchema } from '../../../graph/schema';
import { OPERATION_LIMITS, securityRules } from '../../../graph/security';
import { MAX_PAGE_SIZE } from '../../../src/pagination';

const schema = buildGraphSchema();
const limitsOf = (query: string) => validate(schema, parse(query), securityRules({ production: true })).map((e) => e.message);

/** Every field of `type` that needs no argument: scalars, and nested objects `depth` levels down (no lists of pages). */
function everyField(type: GraphQLObjectType, depth: number): string {
  return Object.values(type.getFields())
    .filter((field) => !field.args.some((arg) => arg.type.toString().endsWith('!')))
    .flatMap((field) => {
      const named = getNamedType(field.type);
      if (isScalarType(named) || isEnumType(named)) return [field.name];
      return isObjectType(named) && depth > 0 && !named.name.endsWith('Connection') ? [`${field.name} { ${everyField(named, depth - 1)} }`] : [];
    })
    .join(' ');
}

describe('operation limits', () => {
  it('let a client ask any list for its largest page with every field, two levels of nested records deep', () => {
    const lists = Object.values(schema.getQueryType()!.getFields()).filter((field) => getNamedType(field.type).name.endsWith('Connection'));
    expect(lists.length).toBeGreaterThan(8);
    for (const list of lists) {
      const edge = getNamedType((getNamedType(list.type) as GraphQLObjectType).getFields().edges!.type) as GraphQLObjectType;
      const node = getNamedType(edge.getFields().node!.type) as GraphQLObjectType;
      const required = list.args.filter((arg) => arg.type.toString().endsWith('!')).map((arg) => `${arg.name}: ${arg.type.toString() === 'Int!' ? 1 : '"x"'}`);
      const query = `{ ${list.name}(${[...required, `first: ${MAX_PAGE_SIZE}`].join(', ')}) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${everyField(node, 2)} } } } }`;
      expect(limitsOf(query), list.name).toEqual([]);
    }
  });

  it(`refuse what no client needs: ${OPERATION_LIMITS.aliases} such pages under aliases`, () => {
    const page = `bookings(first: ${MAX_PAGE_SIZE}) { edges { node { ${everyField(schema.getType('Booking') as GraphQLObjectType, 2)} } } }`;
    const aliased = `{ ${Array.from({ length: OPERATION_LIMITS.aliases }, (_, i) => `b${i}: ${page}`).join(' ')} }`;
    expect(limitsOf(aliased)).toEqual([expect.stringMatching(new RegExp(`^Query Cost limit of ${OPERATION_LIMITS.cost} exceeded, found \\d+\\.$`))]);
  });

  it('name a `first` written out of range instead of counting it into the cost, and stop at graphql-js\'s error cap', () => {
    expect(limitsOf('{ shipmentRequests(first: 10000) { totalCount pageInfo { endCursor hasNextPage } } }')).toEqual([`first: must be at most ${MAX_PAGE_SIZE}`]);
    // Fields of the same name and arguments merge: 150 of them are one valid document with 150 refusals.
    const many = `{ ${'complexes(first: 0) { totalCount } '.repeat(150)}}`;
    expect(limitsOf(many)).toEqual([...Array(100).fill('first: must be at least 1'), 'Too many validation errors, error limit reached. Validation aborted.']);
  });

  it('answer the schema once per document in development: a tool asks once, aliases asked it 15 times', () => {
    const development = (query: string) => validate(schema, parse(query), securityRules({ production: false })).map((e) => e.message);
    expect(development(getIntrospectionQuery())).toEqual([]);
    const twice = '{ a: __schema { types { name fields { name } } } b: __schema { types { name fields { name } } } }';
    expect(development(twice)).toEqual(['At most one __schema field per document: it answers the whole schema; ask for it once']);
    // In production none at all.
    const production = limitsOf(getIntrospectionQuery());
    expect(production.length).toBeGreaterThan(0);
    for (const message of production) expect(message).toContain('introspection');
  });
});
