/** Every template trains on its own data reference: the document, the data producers and the engine fit together. */
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_DATASETS, loadDataset, prepareDataset } from '../../src/core/data';
import { findTemplate, TEMPLATES } from '../../src/core/templates';
import { createTrainingSession } from '../../src/core/train';
import { compileNetwork } from '../../src/core/network';

/** Image sets are large: their templates train on 5 % of the rows for 2 epochs here (the full run is measured in the CLI). */
const isImageSet = (doc: ReturnType<(typeof TEMPLATES)[number]['build']>) =>
  doc.data.kind === 'builtin' && BUILTIN_DATASETS.find((d) => d.id === (doc.data as { name: string }).name)?.kind === 'image';

beforeAll(async () => {
  for (const t of TEMPLATES) await prepareDataset(t.build().data);
}, 60_000);

describe('templates train with the engine', () => {
  // Every template that names a data set (the worked example carries its single example as embedded CSV).
  for (const template of TEMPLATES.filter((t) => t.build().data.kind !== 'none')) {
    it(`${template.id}: compiles against its data set and lowers the training loss in 20 epochs`, () => {
      const full = template.build();
      const small = isImageSet(full);
      const doc = small && full.data.kind === 'builtin' ? { ...full, data: { ...full.data, trainRatio: 0.05 } } : full;
      const loaded = loadDataset(doc.data);
      if (!loaded.ok) throw new Error(loaded.message);
      const made = createTrainingSession(doc, loaded.dataset);
      if (!made.ok) throw new Error(made.problems.map((p) => p.message).join('\n'));
      const { session } = made;
      const before = session.evaluate().trainLoss;
      for (let e = 0; e < (small ? 2 : 20); e++) expect(session.stepEpoch().kind).toBe('ok');
      const after = session.evaluate().trainLoss;
      expect(Number.isFinite(after)).toBe(true);
      expect(after).toBeLessThan(before);
    });
  }

  it('digits-cnn: after one epoch on the 8,000 training digits it classifies over 90 % of the 2,000 held-out ones', () => {
    const doc = findTemplate('digits-cnn')!.build();
    const loaded = loadDataset(doc.data);
    if (!loaded.ok) throw new Error(loaded.message);
    const made = createTrainingSession(doc, loaded.dataset);
    if (!made.ok) throw new Error(made.problems.map((p) => p.message).join('\n'));
    const before = made.session.evaluate();
    expect(made.session.stepEpoch().kind).toBe('ok');
    const after = made.session.evaluate();
    expect(before.testAccuracy!).toBeLessThan(0.3);
    expect(after.testAccuracy!).toBeGreaterThan(0.9);
  }, 300_000);

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
