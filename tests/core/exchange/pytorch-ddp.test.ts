/**
 * train.py under DistributedDataParallel: two processes started as torchrun starts them (RANK, WORLD_SIZE,
 * LOCAL_RANK, MASTER_ADDR, MASTER_PORT; gloo on the CPU; Debian's torchrun launcher itself crashes on Python 3.11)
 * end one epoch of the spiral template with the same weights as one process with the same global batch and seed.
 * Tolerance 1e-6 + 1e-5·|w|: the two processes sum their halves of each batch's gradient, one process sums the whole
 * batch, so the float32 sums differ by a few ulps per step (40 steps here).
 * Also: a checkpoint after epoch 1 resumed to epoch 2 gives the weights of 2 epochs straight.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/core/data';
import { exportPyTorch } from '../../../src/core/exchange/pytorch';
import { findTemplate } from '../../../src/core/templates';
import { TRAIN_HARNESS } from './harness';
import { requirePython, runPython, tempRoot, writeProject } from './python';

type Weights = { edges: { weights: number[] }[]; biases: { values: number[] }[] };
const flat = (path: string) => {
  const w = JSON.parse(readFileSync(path, 'utf8')) as Weights;
  return [...w.edges.flatMap((e) => e.weights), ...w.biases.flatMap((b) => b.values)];
};
const worst = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!) / (1e-6 + 1e-5 * Math.abs(v))), 0);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

describe('PyTorch export: train.py on two processes', () => {
  it('gives the weights of one process after one epoch of the spiral template, and resumes from a checkpoint', async () => {
    requirePython(['torch']);
    const doc = findTemplate('spiral')!.build();
    const loaded = loadDataset(doc.data);
    if (!loaded.ok) throw new Error(loaded.message);
    const exported = exportPyTorch(doc, { dataset: loaded.dataset });
    if (!exported.ok) throw new Error(exported.message);
    const root = tempRoot('nw-pt-ddp-');
    const dir = writeProject(root, 'spiral', exported.project.files);

    const port = await freePort();
    const started = performance.now();
    const ranks = await Promise.all([0, 1].map((rank) => runPython(['train.py', '--epochs', '1', '--checkpoint', '', '--out', 'ddp.json'], dir, {
      RANK: String(rank), WORLD_SIZE: '2', LOCAL_RANK: String(rank), MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port),
    })));
    const seconds = (performance.now() - started) / 1000;
    for (const r of ranks) expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(ranks[0]!.stdout).toMatch(/batch 10 over 2 process\(es\)/);
    expect(ranks[1]!.stdout).toBe('');

    writeFileSync(join(root, 'runs.json'), JSON.stringify([
      { dir, args: ['--epochs', '1', '--checkpoint', 'epoch1.pt', '--out', 'single.json'] },
      { dir, args: ['--epochs', '2', '--resume', 'epoch1.pt', '--checkpoint', 'resumed.pt', '--out', 'resumed.json'] },
      { dir, args: ['--epochs', '2', '--checkpoint', '', '--out', 'straight.json'] },
    ]));
    writeFileSync(join(root, 'harness.py'), TRAIN_HARNESS);
    const single = await runPython([join(root, 'harness.py'), join(root, 'runs.json')], root);
    expect({ status: single.status, stderr: single.stderr }).toEqual({ status: 0, stderr: '' });

    const one = flat(join(dir, 'single.json'));
    const two = flat(join(dir, 'ddp.json'));
    const start = flat(join(dir, 'weights.json'));
    expect(one).toHaveLength(start.length);
    expect(worst(one, start)).toBeGreaterThan(1e3);
    expect(worst(one, two)).toBeLessThanOrEqual(1);
    expect(flat(join(dir, 'resumed.json'))).toEqual(flat(join(dir, 'straight.json')));
    console.log(`two processes, one epoch of the spiral template (400 rows, batch 10): ${seconds.toFixed(1)} s wall, worst ratio ${worst(one, two).toFixed(4)}`);
  }, 180_000);
});
