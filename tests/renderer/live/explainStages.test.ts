import { beforeAll, describe, expect, it } from 'vitest';
import { prepareDataset } from '../../../src/core/data';
import { explainStep } from '../../../src/core/explain';
import { TEMPLATES, findTemplate } from '../../../src/core/templates';
import { applyUpdate, buildStages, MAX_UNIT_LINES } from '../../../src/renderer/live/explainStages';
import { computeExplain } from '../../../src/renderer/live/explainStore';

const worked = () => findTemplate('worked-example')!.build();

function stagesOf() {
  const doc = worked();
  const r = explainStep(doc, [1, 2], [1], 0.1);
  if (!r.ok) throw new Error(r.message);
  return { doc, step: r.step, stages: buildStages(r.step, doc) };
}

describe('explain stages of the worked example', () => {
  const { doc, step, stages } = stagesOf();

  it('go forward through h1, h2, out, then the loss, backward from out to h1, then the update', () => {
    expect(stages.map((s) => s.title)).toEqual([
      'Forward · h1', 'Forward · h2', 'Forward · out', 'Loss · mse', 'Backward · out', 'Backward · h2', 'Backward · h1', 'Update · one SGD step',
    ]);
  });

  it('show each neuron’s formula with its numbers and highlight it and its incoming edges', () => {
    expect(stages[0]!.lines).toEqual(['z = 0.5·1 + (−0.3)·2 + 0.3 = 0.2', 'a = relu(0.2) = 0.2']);
    expect(stages[2]!.lines).toEqual(['z = 1·0.2 + (−1)·0.9 + 0.5 = −0.2', 'a = sigmoid(−0.2) = 0.450166']);
    expect(stages[0]!.focusNodes).toEqual(['h1']);
    expect(stages[0]!.focusEdges).toEqual(['e1', 'e2']);
  });

  it('keep the notes of nodes already computed, and add new ones stage by stage', () => {
    expect(stages[0]!.nodeNotes).toEqual({ h1: ['z = 0.2  a = 0.2'] });
    expect(stages[2]!.nodeNotes).toEqual({ h1: ['z = 0.2  a = 0.2'], h2: ['z = 0.9  a = 0.9'], out: ['z = −0.2  a = 0.450166'] });
    expect(stages[3]!.nodeNotes.output).toEqual([`L = ${'0.302317'}`]);
  });

  it('put each weight’s gradient on its edge in the backward pass and old → new in the update', () => {
    const h1 = stages[6]!;
    expect(h1.edgeNotes.e2).toBe('∂L/∂w = −0.544372');
    expect(h1.lines).toContain('∂L/∂w(x2→h1) = ∂L/∂z · 2 = −0.544372');
    expect(h1.lines[0]).toBe('∂L/∂a = −0.272186, ∂L/∂z = ∂L/∂a · relu′(0.2) = −0.272186');
    const update = stages[7]!;
    expect(update.edgeNotes.e1).toBe('0.5 → 0.527219');
    expect(update.lines).toContain('w(x1→h1): 0.5 → 0.527219');
    expect(update.lines).toContain('b(h2): −0.1 → −0.127219');
  });

  it('applyUpdate writes every new weight and bias into a new document and leaves the old one alone', () => {
    const next = applyUpdate(doc, step);
    expect(next).not.toBe(doc);
    expect(doc.edges.find((e) => e.id === 'e1')!.weights).toEqual([0.5]);
    expect(next.edges.find((e) => e.id === 'e1')!.weights![0]).toBeCloseTo(0.527219, 6);
    const h2 = next.nodes.find((n) => n.id === 'h2')!;
    expect(h2.type === 'neuron' && h2.bias).toBeCloseTo(-0.127219, 6);
    // The explained step, applied, lowers the loss on this example.
    const again = explainStep(next, [1, 2], [1], 0.1);
    expect(again.ok && again.step.loss.value).toBeLessThan(step.loss.value);
  });
});

describe('explain stages of a Dense layer', () => {
  it('list the first units and say how many more there are', () => {
    const doc = findTemplate('spiral')!.build();
    const c = computeExplain(doc, 3);
    if (!c.ok) throw new Error(c.message);
    const hidden1 = c.stages.find((s) => s.title === 'Forward · hidden1')!;
    expect(hidden1.lines.filter((l) => l.startsWith('unit '))).toHaveLength(MAX_UNIT_LINES);
    expect(hidden1.lines.at(-1)).toBe(`… and ${8 - MAX_UNIT_LINES} more units`);
    expect(c.row).toBe(3);
    const update = c.stages.at(-1)!;
    expect(update.lines.some((l) => l.startsWith('W(hidden1→hidden2): 64 weights'))).toBe(true);
  });
});

describe('computeExplain', () => {
  // The digits templates' data set is imported on demand, as the app does before explaining.
  beforeAll(async () => {
    for (const t of TEMPLATES) await prepareDataset(t.build().data);
  }, 60_000);

  it.each(TEMPLATES.map((t) => [t.id] as const))('explains the first example of the %s template, forward to update', (id) => {
    const c = computeExplain(findTemplate(id)!.build(), 0);
    if (!c.ok) throw new Error(c.message);
    const phases = c.stages.map((s) => s.phase);
    expect(phases[0]).toBe('forward');
    expect(phases.filter((p) => p === 'loss')).toHaveLength(1);
    expect(phases.at(-1)).toBe('update');
    expect(c.stages.find((s) => s.phase === 'loss')!.lines.at(-1)).toMatch(/^L = .+ = [\d.e−+-]+$/);
    expect(Number.isFinite(c.step.loss.value)).toBe(true);
  });

  it('takes the worked example’s one training row', () => {
    const c = computeExplain(worked(), 5);
    expect(c.ok && c.row).toBe(0);
    expect(c.ok && c.step.x).toEqual([1, 2]);
  });

  it('says what is missing when there is no data', () => {
    const doc = { ...worked(), data: { kind: 'none' as const } };
    const c = computeExplain(doc, 0);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.message).toMatch(/Choose a data set first/);
  });
});
