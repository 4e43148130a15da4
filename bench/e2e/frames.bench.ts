/**
 * Frame times of the live view: a network of 300+ weighted edges (2 inputs → 14 → 17 → 2 neurons → 1 → output) trains
 * on the spiral while snapshots stream (ack-paced, one per drawn frame at most); every edge is coloured by its live
 * weight, every neuron draws its heatmap, and gradient pulses animate on every edge. requestAnimationFrame intervals
 * are recorded in the page for NETWRIGHT_FRAMES_SECONDS (default 10) in each of four conditions:
 *   idle (before training: no pulses yet) · training, pulses on · training, pulses off · paused, pulses on.
 * p50/p95/max frame intervals and the snapshots drawn per second are printed and written to
 * bench/e2e/results/frames-<date>.json. Nothing is asserted about the times: they depend on the machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { NetworkDocument, NetworkEdge, NetworkNode } from '../../src/core/document';
import { emptyDocument } from '../../src/core/document';
import { createNode } from '../../src/core/nodes';
import { CLIPBOARD_FORMAT } from '../../src/renderer/editor/commands';

const seconds = Number(process.env.NETWRIGHT_FRAMES_SECONDS ?? '10');

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

/** Inputs x, y, then fully connected neuron columns of the given sizes, then an Output judging 'label'. */
export function liveNetwork(columns: readonly number[]): NetworkDocument {
  const nodes: NetworkNode[] = [
    createNode('input', 'x', { x: 0, y: 0 }, { features: ['x'] }),
    createNode('input', 'y', { x: 0, y: 120 }, { features: ['y'] }),
  ];
  const edges: NetworkEdge[] = [];
  let previous = ['x', 'y'];
  columns.forEach((size, c) => {
    const last = c === columns.length - 1;
    const ids = Array.from({ length: size }, (_, r) => `n${c}_${r}`);
    ids.forEach((id, r) => {
      nodes.push(createNode('neuron', id, { x: (c + 1) * 260, y: (r - (size - 1) / 2) * 118 }, { activation: last ? 'sigmoid' : 'tanh', bias: 0 }));
      for (const s of previous) edges.push({ id: `${s}-${id}`, source: s, target: id, weights: [Math.sin(edges.length * 12.9898) * 0.8] });
    });
    previous = ids;
  });
  nodes.push(createNode('output', 'out', { x: (columns.length + 1) * 260, y: 0 }, { loss: 'binaryCrossEntropy', targets: ['label'] }));
  edges.push({ id: 'to-out', source: previous[0]!, target: 'out' });
  return { ...emptyDocument('Frames'), nodes, edges };
}

/** The page's globals used inside page.evaluate (this file compiles without the DOM library). */
interface PageGlobals {
  document: { querySelector(selector: string): { textContent: string | null } | null };
  requestAnimationFrame(callback: (t: number) => void): number;
  performance: { now(): number };
  navigator: { clipboard: { writeText(text: string): Promise<void> } };
}

async function record(page: Page, ms: number): Promise<{ deltas: number[]; snapshots: number }> {
  return page.evaluate((duration) => new Promise((resolveResult) => {
    const { document, requestAnimationFrame, performance } = globalThis as unknown as PageGlobals;
    const times: number[] = [];
    const stepEl = document.querySelector('[data-testid="live-step"]');
    let lastStep = stepEl?.textContent ?? '';
    let snapshots = 0;
    const start = performance.now();
    const tick = (t: number) => {
      times.push(t);
      const now = stepEl?.textContent ?? '';
      if (now !== lastStep) {
        snapshots++;
        lastStep = now;
      }
      if (t - start < duration) requestAnimationFrame(tick);
      else resolveResult({ deltas: times.slice(1).map((v, i) => v - times[i]!), snapshots });
    };
    requestAnimationFrame(tick);
  }), ms);
}

function summary(r: { deltas: number[]; snapshots: number }, ms: number) {
  const sorted = [...r.deltas].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    frames: sorted.length,
    p50: round(at(50)),
    p95: round(at(95)),
    p99: round(at(99)),
    max: round(sorted.at(-1) ?? 0),
    fps: round(sorted.length / (ms / 1000)),
    snapshotsPerSecond: round(r.snapshots / (ms / 1000)),
  };
}

test('live view frame times: 300+ edges coloured, pulsing, heatmaps, while snapshots stream', async ({ page }) => {
  const ms = seconds * 1000;
  await page.goto('/');
  await expect(page.getByRole('status')).toHaveText(/Trainer ready/, { timeout: 20_000 });
  await page.getByRole('button', { name: 'Empty canvas' }).click();
  const doc = liveNetwork([14, 17, 2, 1]);
  const weighted = doc.edges.filter((e) => e.weights).length;
  expect(weighted).toBeGreaterThanOrEqual(300);
  const text = JSON.stringify({ format: CLIPBOARD_FORMAT, version: 1, nodes: doc.nodes, edges: doc.edges });
  await page.evaluate((t) => (globalThis as unknown as PageGlobals).navigator.clipboard.writeText(t), text);
  const canvas = page.getByRole('main', { name: 'Network canvas' });
  await canvas.locator('.react-flow__pane').click({ position: { x: 4, y: 4 } });
  await page.keyboard.press('Control+V');
  await expect.poll(() => canvas.locator('.react-flow__edge').count()).toBe(doc.edges.length);
  await page.keyboard.press('Escape');

  // The spiral as data, then wait for the trainer's first snapshot.
  const dataSet = page.getByRole('region', { name: 'Data' }).getByRole('combobox', { name: 'Data set' });
  const spiral = await dataSet.locator('option').evaluateAll((os) => (os as unknown as { value: string; textContent: string | null }[]).find((o) => /spiral/i.test(o.textContent ?? ''))?.value);
  await dataSet.selectOption(spiral!);
  await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 30_000 });
  await page.keyboard.press('f');
  await expect.poll(() => canvas.getByTestId('node-heatmap').count(), { timeout: 20_000 }).toBe(34);
  const rendered = { edges: await canvas.locator('.react-flow__edge').count(), nodes: await canvas.locator('.react-flow__node').count() };

  const results: Record<string, ReturnType<typeof summary> & { pulses: number }> = {};
  const pulses = async () => Number(await page.getByTestId('pulse-layer').getAttribute('data-pulses'));

  results['idle'] = { ...summary(await record(page, ms), ms), pulses: await pulses() };

  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  await expect.poll(pulses, { timeout: 20_000 }).toBeGreaterThan(250);
  results['training, pulses on'] = { ...summary(await record(page, ms), ms), pulses: await pulses() };

  await page.getByRole('checkbox', { name: 'Gradient pulses' }).uncheck();
  await expect.poll(pulses).toBe(0);
  results['training, pulses off'] = { ...summary(await record(page, ms), ms), pulses: await pulses() };
  await page.getByRole('checkbox', { name: 'Gradient pulses' }).check();
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
  // Paused after training: the pulses of the last batch still run, no snapshots arrive (the pulses' own cost).
  await expect.poll(pulses).toBeGreaterThan(250);
  results['paused, pulses on'] = { ...summary(await record(page, ms), ms), pulses: await pulses() };

  const report = {
    date: new Date().toISOString(),
    weightedEdges: weighted,
    rendered,
    seconds,
    viewport: page.viewportSize(),
    steps: (await page.getByTestId('live-step').textContent()) ?? '',
    results,
  };
  console.log(JSON.stringify(report, null, 2));
  const dir = resolve(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(resolve(dir, `frames-${report.date.slice(0, 19).replace(/:/g, '-')}.json`), JSON.stringify(report, null, 2));
});
