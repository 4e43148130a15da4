/**
 * Opening a document at the size limit (MAX_NODES nodes, MAX_EDGES connections, src/core/limits.ts) in the browser
 * build: the time from choosing the file to the first frame painted with the network shown (status bar counts), and
 * the main thread's long tasks meanwhile. The target is under 2 s; this measures, it does not assert the time.
 * `npm run bench:open` (NETWRIGHT_OPEN_NODES / NETWRIGHT_OPEN_EDGES to try other sizes). Writes JSON to
 * $NETWRIGHT_BENCH_OUT, else the test's output folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect, test } from '@playwright/test';
import { MAX_EDGES, MAX_NODES } from '../../src/core/limits';
import { serializeDocument } from '../../src/core/serialize';
import { neuronGrid } from '../e2e/graphs';

declare global {
  interface Window {
    __longTasks?: number[];
  }
}

test('open a document at the node and edge limit', async ({ page }, testInfo) => {
  const nodes = Number(process.env.NETWRIGHT_OPEN_NODES ?? MAX_NODES);
  const edges = Number(process.env.NETWRIGHT_OPEN_EDGES ?? MAX_EDGES);
  const rows = Math.max(2, Math.min(100, Math.floor(nodes / 10)));
  const doc = neuronGrid(Math.ceil(nodes / rows), rows, edges);
  const file = testInfo.outputPath('limit.netwright');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, serializeDocument({ ...doc, name: 'At the limit' }));

  await page.goto('/');
  await expect(page.getByRole('status')).toHaveText(/Trainer ready/, { timeout: 20_000 });
  await page.getByRole('button', { name: 'Empty canvas' }).click();
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks!.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  const profiling = process.env.NETWRIGHT_OPEN_PROFILE;
  const cdp = profiling ? await page.context().newCDPSession(page) : undefined;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  const start = await page.evaluate(() => performance.now());
  await (await chooser).setFiles(file);
  const parameters = page.getByRole('contentinfo', { name: 'Status bar' }).getByTestId('parameter-count');
  // every edge holds one weight, every neuron (all but the first column's inputs) one bias
  const expected = doc.edges.length + doc.nodes.filter((n) => n.type === 'neuron').length;
  await expect(parameters).toHaveText(`${expected.toLocaleString('en-US')} parameters`, { timeout: 120_000 });
  await expect(page.locator('.react-flow__node').first()).toBeVisible({ timeout: 120_000 });
  const shown = await page.evaluate(() => new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now()))));
  const longTasks = await page.evaluate(() => window.__longTasks ?? []);
  // What React Flow drew: only what is in view should be in the page.
  const drawn = await page.evaluate(() => ({
    nodes: document.querySelectorAll('.react-flow__node').length,
    edges: document.querySelectorAll('.react-flow__edge').length,
  }));
  if (cdp && profiling) {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(profiling, JSON.stringify(profile));
  }
  const result = {
    nodes: doc.nodes.length,
    edges: doc.edges.length,
    openToFirstFrameMs: Math.round(shown - start),
    drawnNodes: drawn.nodes,
    drawnEdges: drawn.edges,
    longTasks: longTasks.length,
    longestTaskMs: Math.round(Math.max(0, ...longTasks)),
    longTasksTotalMs: Math.round(longTasks.reduce((a, b) => a + b, 0)),
  };
  console.log(JSON.stringify(result));
  const out = process.env.NETWRIGHT_BENCH_OUT ?? testInfo.outputPath('open-limit.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  expect(result.nodes).toBe(nodes);
});
