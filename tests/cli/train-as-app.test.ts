/**
 * `netwright train` trains as the app's trainer does: the file's data settings (data.seed, trainRatio) make the same
 * split and the same order, so the same epochs give the same weights.
 */
import { describe, expect, it } from 'vitest';
import { runCli, type Io } from '../../src/cli/commands';
import type { NetworkDocument } from '../../src/core/document';
import { loadDataset } from '../../src/core/data';
import { writeWeights } from '../../src/core/network';
import { parseDocument, serializeDocument } from '../../src/core/serialize';
import { findTemplate } from '../../src/core/templates';
import { createTrainingSession } from '../../src/core/train';

function cliTrain(doc: NetworkDocument, args: string[]): { code: number; out: NetworkDocument; stdout: string } {
  const files: Record<string, string> = { 'in.netwright': serializeDocument(doc) };
  const out: string[] = [];
  const io: Io = {
    readText: (path) => {
      if (path in files) return files[path]!;
      throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    },
    writeText: (path, text) => {
      files[path] = text;
    },
    out: (line) => out.push(line),
    err: () => {},
  };
  const code = runCli(['train', 'in.netwright', '--out', 'out.netwright', ...args], io);
  const parsed = parseDocument(files['out.netwright'] ?? '');
  if (!parsed.ok) throw new Error(`no trained file (exit ${code}): ${out.join('\n')}`);
  return { code, out: parsed.doc, stdout: out.join('\n') };
}

/** What src/trainer/session.ts does on load, then `epochs` full epochs: the trained document. */
function appTrain(doc: NetworkDocument, epochs: number): NetworkDocument {
  const made = loadDataset(doc.data);
  if (!made.ok) throw new Error(made.message);
  const startStep = doc.history?.step.at(-1);
  const created = createTrainingSession(doc, made.dataset, undefined, startStep !== undefined ? { startStep } : {});
  if (!created.ok) throw new Error(created.problems[0]!.message);
  for (let e = 0; e < epochs; e++) created.session.stepEpoch();
  const parsed = parseDocument(serializeDocument(writeWeights(doc, created.session.net)));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.doc;
}

const weightsOf = (doc: NetworkDocument) => JSON.stringify({ nodes: doc.nodes, edges: doc.edges });

describe('netwright train uses the file’s data settings as the app does', () => {
  const xor = (): NetworkDocument => {
    const doc = findTemplate('xor')!.build();
    if (doc.data.kind !== 'builtin') throw new Error('the XOR template names a built-in set');
    return { ...doc, data: { ...doc.data, seed: 7, trainRatio: 0.7 }, training: { ...doc.training, seed: 1 } };
  };

  it('data.seed 7 and trainRatio 0.7 (training seed 1): the CLI’s weights after 3 epochs are the app’s, bit for bit', () => {
    const doc = xor();
    const cli = cliTrain(doc, ['--epochs', '3']);
    expect(cli.code).toBe(0);
    expect(weightsOf(cli.out)).toBe(weightsOf(appTrain(doc, 3)));
    expect(cli.out.data).toMatchObject({ seed: 7, trainRatio: 0.7 });
    expect(cli.stdout).toContain('split seed 7 (file)');
  });

  it('the split really depends on data.seed: another data seed trains to other weights', () => {
    const doc = xor();
    const other = { ...doc, data: { ...doc.data, seed: 8 } } as NetworkDocument;
    expect(weightsOf(cliTrain(other, ['--epochs', '3']).out)).not.toBe(weightsOf(cliTrain(doc, ['--epochs', '3']).out));
  });

  it('a file trained before goes on from its history’s last step, with a step-decay schedule, as the app does', () => {
    const first = cliTrain(xor(), ['--epochs', '2']).out;
    const doc: NetworkDocument = { ...first, training: { ...first.training, schedule: { kind: 'stepDecay', factor: 0.5, everyEpochs: 1 } } };
    expect(doc.history?.step.length).toBeGreaterThan(0);
    const cli = cliTrain(doc, ['--epochs', '2']);
    expect(weightsOf(cli.out)).toBe(weightsOf(appTrain(doc, 2)));
    // The history counts on from where it ended, once.
    expect(cli.out.history!.step.at(-1)).toBe(2 * doc.history!.step.at(-1)!);
  });

  it('--data-seed overrides the file’s split seed, and --seed leaves the split alone', () => {
    const doc = xor();
    const told = cliTrain(doc, ['--epochs', '1', '--data-seed', '9', '--seed', '3']);
    expect(told.stdout).toContain('split seed 9 (--data-seed)');
    expect(told.out.data).toMatchObject({ seed: 9 });
    expect(told.out.training.seed).toBe(3);
    const seedOnly = cliTrain(doc, ['--epochs', '1', '--seed', '3']);
    expect(seedOnly.stdout).toContain('split seed 7 (file)');
  });
});
