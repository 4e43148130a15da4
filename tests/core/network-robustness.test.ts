/** compileNetwork takes whatever a document holds and answers with a network or with problems: it never throws. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NetworkDocument } from '../../src/core/document';
import { compileNetwork } from '../../src/core/network';
import { TEMPLATES } from '../../src/core/templates';
import { dense, doc, edge, input, output } from './nn-helpers';

const junk = fc.oneof(
  fc.constant(undefined), fc.constant(null), fc.constant(NaN), fc.constant(-1), fc.constant(0), fc.constant(1e9),
  fc.string({ maxLength: 6 }), fc.constant('swish'), fc.constant([]), fc.array(fc.double(), { maxLength: 5 }), fc.constant({}),
);

/** A template with one field of one node or edge replaced by junk. */
const mutated = fc.record({
  template: fc.integer({ min: 0, max: TEMPLATES.length - 1 }),
  onEdge: fc.boolean(),
  index: fc.nat(),
  field: fc.constantFrom('activation', 'units', 'bias', 'features', 'targets', 'loss', 'rate', 'useBias', 'type', 'weights', 'source', 'target', 'id'),
  value: junk,
});

describe('compileNetwork on broken documents', () => {
  it('never throws on a template with a field set to junk, and a compiled network runs to finite outputs', () => {
    fc.assert(
      fc.property(mutated, (m) => {
        const d = structuredClone(TEMPLATES[m.template]!.build()) as NetworkDocument;
        const list = (m.onEdge ? d.edges : d.nodes) as unknown as Record<string, unknown>[];
        if (list.length > 0) list[m.index % list.length]![m.field] = m.value;
        const made = compileNetwork(d);
        if (!made.ok) {
          expect(made.problems.length).toBeGreaterThan(0);
          for (const p of made.problems) expect(typeof p.message).toBe('string');
          return;
        }
        const out = made.net.forward(new Float32Array(made.net.inputSize).fill(0.5), 1);
        expect(Array.from(out).every(Number.isFinite)).toBe(true);
      }),
      { seed: 4242, numRuns: 400 },
    );
  });

  // Found by the property above (seed 4242): a Dense layer of 1e9 units used to throw "Invalid typed array length".
  it('refuses a layer of a billion units as too large, naming it, instead of running out of memory', () => {
    const d = doc([input('in', ['x']), dense('huge', 1e9, 'relu'), dense('o', 1, 'linear'), output('out', 'mse', ['t'])], [edge('in', 'huge'), edge('huge', 'o'), edge('o', 'out')]);
    const made = compileNetwork(d);
    expect(made.ok).toBe(false);
    if (!made.ok) {
      expect(made.problems[0]!.code).toBe('network-too-large');
      expect(made.problems[0]!.nodeIds).toEqual(['huge']);
    }
  });

  it('names the node with an unknown activation', () => {
    const d = doc([input('in', ['x']), dense('h', 2, 'relu'), dense('o', 1, 'linear'), output('out', 'mse', ['t'])], [edge('in', 'h'), edge('h', 'o'), edge('o', 'out')]);
    (d.nodes[1] as { activation: string }).activation = 'swish';
    const made = compileNetwork(d);
    expect(made.ok).toBe(false);
    if (!made.ok) {
      const p = made.problems.find((q) => q.code === 'unknown-activation')!;
      expect(p.nodeIds).toEqual(['h']);
      expect(p.message).toContain('"swish"');
    }
  });
});
