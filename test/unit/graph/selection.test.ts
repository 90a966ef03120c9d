import { Kind, parse, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { selectedReads } from '../../../graph/selection';

/** The resolve info of the document's first root field, as far as selectedReads looks at it. */
function infoOf(source: string): GraphQLResolveInfo {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  return { fieldNodes: [operation.selectionSet.selections[0] as FieldNode], fragments } as unknown as GraphQLResolveInfo;
}

const reads = selectedReads(['edges', 'node'], {
  id: ['id'],
  status: ['status'],
  notes: ['notes'],
  pickupWindow: ['pickupFrom', 'pickupUntil'],
  origin: { location: ['originLat', 'originLng'], h3Cell: ['originH3R9'] },
});

describe('selectedReads', () => {
  it('collects the keys the fields at the path read, through fragments and object fields', () => {
    const info = infoOf('{ list { pageInfo { endCursor } edges { cursor node { id __typename origin { h3Cell } ...F ... on R { pickupWindow { from } } } } } } fragment F on R { notes }');
    expect(reads(info)).toEqual(['id', 'notes', 'originH3R9', 'pickupFrom', 'pickupUntil']);
    // Kept per field node: the same answer again.
    expect(reads(info)).toEqual(['id', 'notes', 'originH3R9', 'pickupFrom', 'pickupUntil']);
    expect(reads(infoOf('{ list { edges { node { origin { location { lat } h3Cell } status } } } }'))).toEqual(['originH3R9', 'originLat', 'originLng', 'status']);
  });

  it('answers null (read everything) for a field it does not know, at any depth', () => {
    expect(reads(infoOf('{ list { edges { node { id shipper { name } } } } }'))).toBeNull();
    expect(reads(infoOf('{ list { edges { node { origin { isCentre } } } } }'))).toBeNull();
  });
});
