/**
 * ConcatInFileOrder on a Concat with very many inputs (issue 11): it builds each Concat's list in linear time. A
 * Concat of 50,000 inputs took 75 s of CPU when every edge copied the list before it (bench/onnx-import.ts measures
 * it); here it migrates, with the orders version 2 would have read (ids sorted as strings).
 */
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/core/migrations';

describe('ConcatInFileOrder on a Concat of 50,000 inputs', () => {
  it('gives every edge the order version 2 read it in', () => {
    const inputs = 50_000;
    const raw = {
      format: 'netwright', version: 2, name: 'wide concat',
      nodes: [{ id: 'c', type: 'concat' }, ...Array.from({ length: inputs }, (_, k) => ({ id: `x${k}`, type: 'input' }))],
      edges: Array.from({ length: inputs }, (_, k) => ({ id: `e${k}`, source: `x${k}`, target: 'c' })),
    };
    const result = migrate(raw);
    if (!result.ok) throw new Error(result.message);
    const edges = result.doc.edges as { id: string; order: number }[];
    const byId = [...edges].sort((a, b) => (a.id < b.id ? -1 : 1)).map((e) => e.id);
    const byOrder = [...edges].sort((a, b) => a.order - b.order).map((e) => e.id);
    expect(byOrder).toEqual(byId);
    // e0 < e1 < e10 < e100 < … as strings
    expect(edges.slice(0, 3).map((e) => e.order)).toEqual([0, 1, 11_112]);
    const orders = new Set(edges.map((e) => e.order));
    expect(orders.size).toBe(inputs);
  });
});
