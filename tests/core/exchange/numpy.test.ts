/**
 * The NumPy script: the worked example prints 0.4502 and, after one step of lr 0.1 toward 1.0, the core's weights;
 * for the example networks of every node kind (random parameters), its outputs are the core's within 1e-5 and its
 * one gradient-descent step gives the core's SGD step within 1e-6 + 1e-5·|w| (float32 on both sides, summed in
 * other orders; the script takes the loss's plain form where the core fuses it with sigmoid/softmax). One Python
 * process runs every script.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../../src/core/data/types';
import { loadDataset } from '../../../src/core/data';
import type { NetworkDocument } from '../../../src/core/document';
import { exportNumpy } from '../../../src/core/exchange/numpy';
import { KIND_LIST } from '../../../src/core/kinds';
import { writeParams } from '../../../src/core/kinds/params';
import { compileNetwork } from '../../../src/core/network';
import { createRng } from '../../../src/core/random';
import { findTemplate } from '../../../src/core/templates';
import { createTrainingSession } from '../../../src/core/train';
import { randomParams } from './harness';
import { requirePython, runPython, tempRoot } from './python';

const HARNESS = String.raw`
import io, json, runpy, sys
from contextlib import redirect_stdout
out = []
for path in json.load(open(sys.argv[1])):
    for args in (["--json"], []):
        sys.argv = [path] + args
        buf = io.StringIO()
        with redirect_stdout(buf):
            runpy.run_path(path, run_name="__main__")
        out.append(buf.getvalue())
print(json.dumps(out))
`;

const ROWS = 3;

interface Case { title: string; doc: NetworkDocument; ds: Dataset; step: boolean }

/** A data set of `rows` random rows for a compiled network's columns. */
function randomData(featureNames: readonly string[], targetNames: readonly string[], seed: number, binary: boolean, oneHot: boolean): Dataset {
  const rng = createRng(seed);
  const x = new Float32Array(ROWS * featureNames.length).map(() => rng.uniform(-2, 2));
  const y = new Float32Array(ROWS * targetNames.length);
  for (let r = 0; r < ROWS; r++) {
    if (oneHot) y[r * targetNames.length + rng.int(targetNames.length)] = 1;
    else for (let k = 0; k < targetNames.length; k++) y[r * targetNames.length + k] = binary ? rng.int(2) : rng.uniform(-1, 1);
  }
  return { name: 'random', task: 'regression', featureNames: [...featureNames], targetNames: [...targetNames], train: { n: ROWS, x, y }, test: { n: 0, x: new Float32Array(0), y: new Float32Array(0) } };
}

describe('NumPy export', () => {
  it('runs the worked example, every kind\'s networks, and steps as the core', async () => {
    requirePython(['numpy']);
    const root = tempRoot('nw-numpy-');
    const worked = findTemplate('worked-example')!.build();
    const workedData = loadDataset(worked.data);
    if (!workedData.ok) throw new Error(workedData.message);
    const cases: Case[] = [{ title: 'worked example', doc: worked, ds: workedData.dataset, step: true }];
    for (const kind of KIND_LIST) {
      kind.examples.networks().forEach((base, k) => {
        const made = compileNetwork(base, { seed: k + 5, reinitialize: true });
        if (!made.ok) throw new Error(made.problems[0]!.message);
        const rng = createRng(k * 31 + kind.type.length);
        const params = randomParams(made.net.layout, rng, -1.5, 1.5);
        made.net.setParams(params);
        const doc: NetworkDocument = { ...base, training: { ...base.training, optimizer: 'sgd', learningRate: 0.1, batchSize: ROWS } };
        const loss = base.nodes.find((n) => n.type === 'output')!;
        const ds = randomData(made.net.featureNames, made.net.targetNames, k + 11, loss.type === 'output' && loss.loss === 'binaryCrossEntropy', loss.type === 'output' && loss.loss === 'softmaxCrossEntropy');
        cases.push({ title: `${kind.type}: ${base.name}`, doc: writeParams(doc, made.net.layout, params), ds, step: !base.nodes.some((n) => n.type === 'dropout') });
      });
    }
    const paths = cases.map((c, k) => {
      const r = exportNumpy(c.doc, { dataset: c.ds });
      if (!r.ok) throw new Error(`${c.title}: ${r.message}`);
      const path = join(root, `case${k}.py`);
      writeFileSync(path, r.script);
      return path;
    });
    writeFileSync(join(root, 'paths.json'), JSON.stringify(paths));
    writeFileSync(join(root, 'harness.py'), HARNESS);
    const run = await runPython([join(root, 'harness.py'), join(root, 'paths.json')], root);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const outs = JSON.parse(run.stdout) as string[];
    expect(outs).toHaveLength(cases.length * 2);

    // The worked example as a learner runs it.
    const text = outs[1]!;
    expect(text).toMatch(/^outputs:\n {2}0\.4502\n/);
    expect(text).toContain('loss: 0.3023');

    cases.forEach((c, k) => {
      const result = JSON.parse(outs[2 * k]!) as { outputs: number[][]; parameters: Record<string, number[] | number[][]> };
      const made = createTrainingSession(c.doc, c.ds, { batchSize: c.ds.train.n });
      if (!made.ok) throw new Error(made.problems[0]!.message);
      const net = made.session.net;
      const want = Array.from(net.forward(c.ds.train.x, c.ds.train.n));
      const got = result.outputs.flat();
      expect(got).toHaveLength(want.length);
      const worstForward = Math.max(...want.map((v, i) => Math.abs(v - got[i]!)));
      expect({ title: c.title, forward: worstForward <= 1e-5 }).toEqual({ title: c.title, forward: true });
      if (!c.step) return;
      expect(made.session.stepBatches(1).kind).toBe('ok');
      // The script's parameters in layout order: it lists them node by node as the layout does.
      const theirs = Object.values(result.parameters).flatMap((v) => (v as unknown[]).flat() as number[]);
      const ours = Array.from(net.params);
      expect(theirs).toHaveLength(ours.length);
      const worst = Math.max(...ours.map((v, i) => Math.abs(v - theirs[i]!) / (1e-6 + 1e-5 * Math.abs(v))));
      expect({ title: c.title, step: worst <= 1 }).toEqual({ title: c.title, step: true });
    });
    // The worked example's weights after one step, as the core has them.
    const core = createTrainingSession(worked, workedData.dataset);
    if (!core.ok) throw new Error();
    core.session.stepBatches(1);
    const after = JSON.parse(outs[0]!) as { parameters: Record<string, number[][]> };
    expect(after.parameters.w_h1_out![0]![0]).toBeCloseTo(core.session.net.params[6]!, 6);
  }, 120_000);
});
