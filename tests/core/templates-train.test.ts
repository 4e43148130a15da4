/** Every template trains on its own data reference: the document, the data producers and the engine fit together. */
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/core/data';
import { findTemplate, TEMPLATES } from '../../src/core/templates';
import { createTrainingSession } from '../../src/core/train';
import { compileNetwork } from '../../src/core/network';

describe('templates train with the engine', () => {
  // Every template that names a data set (the worked example carries its single example as embedded CSV).
  for (const template of TEMPLATES.filter((t) => t.build().data.kind !== 'none')) {
    it(`${template.id}: compiles against its data set and lowers the training loss in 20 epochs`, () => {
      const doc = template.build();
      const loaded = loadDataset(doc.data);
      if (!loaded.ok) throw new Error(loaded.message);
      const made = createTrainingSession(doc, loaded.dataset);
      if (!made.ok) throw new Error(made.problems.map((p) => p.message).join('\n'));
      const { session } = made;
      const before = session.evaluate().trainLoss;
      for (let e = 0; e < 20; e++) expect(session.stepEpoch().kind).toBe('ok');
      const after = session.evaluate().trainLoss;
      expect(Number.isFinite(after)).toBe(true);
      expect(after).toBeLessThan(before);
    });
  }

  it('worked-example: the shipped weights give 0.450166 for x = (1, 2)', () => {
    const doc = findTemplate('worked-example')!.build();
    const made = compileNetwork(doc);
    if (!made.ok) throw new Error(made.problems.map((p) => p.message).join('\n'));
    const x = new Float32Array(made.net.inputSize);
    // Put 1 and 2 into the columns the template names x1 and x2 (whatever their order).
    made.net.featureNames.forEach((name, i) => (x[i] = /2$/.test(name) ? 2 : 1));
    expect(made.net.forward(x, 1)[0]).toBeCloseTo(0.450166, 6);
  });
});
