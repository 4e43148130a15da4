/**
 * Frame times of the editor with a network of 300 nodes and 1,000 edges while the user pans, zooms and drags a node.
 * Frames are timed with requestAnimationFrame in the page; the result is printed and written as JSON (to
 * $NETWRIGHT_BENCH_OUT, else the test's output folder). Nothing is asserted about the times: they depend on the machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { neuronGrid, pasteDocument } from '../e2e/graphs';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

declare global {
  interface Window {
    __frames?: number[];
    __recording?: boolean;
  }
}

async function startRecording(page: Page) {
  await page.evaluate(() => {
    window.__frames = [];
    window.__recording = true;
    const tick = (t: number) => {
      window.__frames!.push(t);
      if (window.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

async function stopRecording(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    window.__recording = false;
    const t = window.__frames ?? [];
    return t.slice(1).map((v, i) => v - t[i]!);
  });
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function summary(deltas: number[]) {
  const sorted = [...deltas].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return { frames: deltas.length, p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), max: round(sorted.at(-1) ?? 0) };
}

test('frame times with 300 nodes and 1,000 edges: pan, zoom, drag', async ({ page }, testInfo) => {
  await page.goto('/');
  await expect(page.getByRole('status')).toHaveText(/Trainer ready/, { timeout: 20_000 });
  await page.getByRole('button', { name: 'Empty canvas' }).click();
  const doc = neuronGrid(10, 30, 1000);
  expect(doc.nodes).toHaveLength(300);
  expect(doc.edges).toHaveLength(1000);
  await pasteDocument(page, doc);
  const canvas = page.getByRole('main', { name: 'Network canvas' });
  await expect(page.getByRole('contentinfo', { name: 'Status bar' }).getByTestId('parameter-count')).toHaveText('1,270 parameters');
  await page.keyboard.press('Escape');
  await page.keyboard.press('f');
  await page.waitForTimeout(500);
  const box = (await canvas.boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const results: Record<string, ReturnType<typeof summary> & { zoom: string; renderedNodes: number; renderedEdges: number }> = {};

  // At fit view (the whole network on screen) and at 100 % (a part of it, as when working on it).
  for (const view of ['overview', 'zoomed in'] as const) {
    if (view === 'zoomed in') {
      await canvas.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
      for (let i = 0; i < 14 && Number.parseInt((await page.getByTitle('Canvas zoom').textContent()) ?? '0') < 90; i++) {
        await page.keyboard.press('+');
        await page.waitForTimeout(300);
      }
    }
    const zoom = (await page.getByTitle('Canvas zoom').textContent()) ?? '';
    const rendered = {
      renderedNodes: await canvas.locator('.react-flow__node').count(),
      renderedEdges: await canvas.locator('.react-flow__edge').count(),
    };

    // Pan: drag the empty canvas around a circle.
    const pane = canvas.locator('.react-flow__pane');
    await expect(pane).toBeVisible();
    await page.mouse.move(cx, box.y + 12);
    await page.mouse.down();
    await startRecording(page);
    for (let i = 0; i <= 180; i++) {
      const a = (i / 180) * Math.PI * 2;
      await page.mouse.move(cx + Math.cos(a) * 200, box.y + 12 + 150 + Math.sin(a) * 150);
    }
    results[`pan (${view})`] = { ...summary(await stopRecording(page)), zoom, ...rendered };
    await page.mouse.up();

    // Zoom: wheel in and out around the middle.
    await page.mouse.move(cx, cy);
    await startRecording(page);
    for (let i = 0; i < 120; i++) {
      await page.mouse.wheel(0, i < 60 ? -40 : 40);
      await page.waitForTimeout(8);
    }
    results[`zoom (${view})`] = { ...summary(await stopRecording(page)), zoom, ...rendered };
    await page.waitForTimeout(300);

    // Drag: a node near the middle, around a circle.
    const target = await page.evaluate(({ x, y }) => {
      const el = document.elementsFromPoint(x, y).map((e) => e.closest('.react-flow__node')).find((e) => e) as HTMLElement | undefined;
      if (el) return el.getAttribute('data-id');
      const all = [...document.querySelectorAll<HTMLElement>('.react-flow__node')];
      const dist = (e: HTMLElement) => { const r = e.getBoundingClientRect(); return Math.hypot(r.x + r.width / 2 - x, r.y + r.height / 2 - y); };
      all.sort((a, b) => dist(a) - dist(b));
      return all[0]?.getAttribute('data-id') ?? null;
    }, { x: cx, y: cy });
    const node = canvas.locator(`.react-flow__node[data-id="${target}"]`);
    const r = (await node.boundingBox())!;
    const sx = r.x + r.width / 2;
    const sy = r.y + Math.min(r.height / 2, 30);
    await page.mouse.move(sx, sy);
    await page.mouse.down();
    await startRecording(page);
    for (let i = 0; i <= 180; i++) {
      const a = (i / 180) * Math.PI * 2;
      await page.mouse.move(sx + Math.sin(a) * 160, sy + (1 - Math.cos(a)) * 100);
    }
    results[`drag a node (${view})`] = { ...summary(await stopRecording(page)), zoom, ...rendered };
    await page.mouse.up();
    // The drag was one edit.
    await page.keyboard.press('Control+Z');
  }

  const report = { nodes: doc.nodes.length, edges: doc.edges.length, viewport: page.viewportSize(), results };
  console.log(JSON.stringify(report, null, 2));
  const out = process.env.NETWRIGHT_BENCH_OUT ?? join(testInfo.outputDir, 'editor-frames.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2));
  testInfo.annotations.push({ type: 'frames', description: JSON.stringify(results) });
});
