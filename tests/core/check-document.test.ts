/**
 * checkDocument checks long lists of numbers with a loop instead of zod: the same result, messages and paths as zod
 * on the whole document (checkSchema(documentSchema, …)).
 */
import { describe, expect, it } from 'vitest';
import { compilePlan } from '../../src/core/network/compile';
import { writeParams } from '../../src/core/kinds/params';
import { checkDocument, checkSchema, documentSchema } from '../../src/core/schema';
import { findTemplate } from '../../src/core/templates';

/** The spiral template with weights in the document: 2×8, 8×8, 8×1 lists (short) and a 64-long hidden2 weight list. */
function spiralWithWeights(units = 80): Record<string, unknown> {
  const base = findTemplate('spiral')!.build();
  const doc = { ...base, nodes: base.nodes.map((n) => (n.type === 'dense' && n.name === 'hidden1' ? { ...n, units } : n)) };
  const plan = compilePlan(doc);
  if (!plan.ok) throw new Error(plan.problems[0]!.message);
  return JSON.parse(JSON.stringify(writeParams(doc, plan.value.layout, plan.value.params))) as Record<string, unknown>;
}

type Doc = { nodes: Record<string, unknown>[]; edges: Record<string, unknown>[] };
const longLists = (doc: Doc) => [
  ...doc.nodes.flatMap((n, i) => Object.entries(n).filter(([, v]) => Array.isArray(v) && v.length >= 64).map(([k]) => ({ at: ['nodes', i, k] as const }))),
  ...doc.edges.flatMap((e, i) => (Array.isArray(e.weights) && e.weights.length >= 64 ? [{ at: ['edges', i, 'weights'] as const }] : [])),
];

describe('checkDocument gives zod’s answer without zod on every number', () => {
  it('accepts a valid document and keeps every number', () => {
    const doc = spiralWithWeights();
    const fast = checkDocument(doc);
    const slow = checkSchema(documentSchema, doc);
    expect(fast.ok && slow.ok).toBe(true);
    expect(JSON.stringify(fast.ok && fast.value)).toBe(JSON.stringify(slow.ok && slow.value));
  });

  const bads: [string, unknown][] = [['the text "x"', 'x'], ['null', null], ['a list', [1]], ['true', true], ['an object', {}]];
  it.each(bads)('a long list holding %s: the same path and message', (_, bad) => {
    const doc = spiralWithWeights() as unknown as Doc;
    const lists = longLists(doc);
    expect(lists.length).toBeGreaterThanOrEqual(2);
    for (const { at } of lists) {
      const copy = JSON.parse(JSON.stringify(doc)) as Doc;
      const list = copy[at[0]][at[1]]![at[2]] as unknown[];
      list[70] = bad;
      const fast = checkDocument(copy);
      const slow = checkSchema(documentSchema, copy);
      expect(fast.ok).toBe(false);
      expect(fast).toEqual(slow);
      expect(!fast.ok && fast.path).toBe(`${at[0]}[${at[1]}].${at[2]}[70]`);
    }
  });

  it('reports whichever problem comes first in the file, a bad field or a bad number, as zod does', () => {
    const doc = spiralWithWeights() as unknown as Doc;
    const [first, second] = longLists(doc);
    for (const [list, field] of [[first!, second!], [second!, first!]]) {
      const copy = JSON.parse(JSON.stringify(doc)) as Doc;
      (copy[list.at[0]][list.at[1]]![list.at[2]] as unknown[])[99] = 'x';
      const item = copy[field.at[0]][field.at[1]]!;
      item.name = 7;
      const fast = checkDocument(copy, ['document']);
      expect(fast).toEqual(checkSchema(documentSchema, copy, ['document']));
    }
    // Same item: name comes before the lists.
    const copy = JSON.parse(JSON.stringify(doc)) as Doc;
    (copy[first!.at[0]][first!.at[1]]![first!.at[2]] as unknown[])[5] = 'x';
    copy[first!.at[0]][first!.at[1]]!.name = 7;
    expect(checkDocument(copy)).toEqual(checkSchema(documentSchema, copy));
  });
});
