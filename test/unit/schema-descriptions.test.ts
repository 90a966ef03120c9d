import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLNamedType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildGraphSchema } from '../../graph/schema';
import { TRACKING_EVENT_KINDS } from '../../db/schema';
import { ACTIVITY_KINDS } from '../../src/pubsub';

/** Every type, field, argument, enum value and input field the schema defines, without a description. */
function undescribed(type: GraphQLNamedType): string[] {
  const missing: string[] = [];
  if (!type.description) missing.push(type.name);
  if (isObjectType(type) || isInterfaceType(type)) {
    for (const field of Object.values(type.getFields())) {
      if (!field.description) missing.push(`${type.name}.${field.name}`);
      for (const arg of field.args) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
    }
  } else if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) if (!field.description) missing.push(`${type.name}.${field.name}`);
  } else if (isEnumType(type)) {
    for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
  }
  return missing;
}

describe('GraphQL schema', () => {
  it('describes every type, field, argument, enum value and input field', () => {
    const schema = buildGraphSchema();
    const own = Object.values(schema.getTypeMap()).filter((t) => !t.name.startsWith('__') && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(t.name));
    expect(own.flatMap(undescribed)).toEqual([]);
  });

  it("names every kind of complex activity the feed sends, and no other, in ComplexActivity.kind's description", () => {
    const described = buildGraphSchema().getType('ComplexActivity');
    const text = isObjectType(described) ? (described.getFields().kind!.description ?? '') : '';
    const named = new Set(text.match(/\b[A-Z]+(?:_[A-Z]+)+\b/g));
    for (const kind of ACTIVITY_KINDS) expect(named).toContain(kind);
    // Besides them, only shipment steps: it once named OFFER_MADE and BOOKED, which the feed never sent.
    const sent = new Set<string>([...ACTIVITY_KINDS, ...TRACKING_EVENT_KINDS.map((kind) => `SHIPMENT_${kind}`)]);
    expect([...named].filter((name) => !sent.has(name))).toEqual([]);
  });
});
