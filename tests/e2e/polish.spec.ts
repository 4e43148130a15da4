/**
 * Small things the team noticed, as a user meets them: every template opens framed so that no node's name is cut;
 * imported trained weights do not show a misleading step 0.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, openApp, test } from './fixtures';
import { canvas, openTemplate, settledBox } from './editor';
import { findTemplate, TEMPLATES } from '../../src/core/templates';
import { weightsJson } from '../../src/core/export';

const SCREENS = process.env.NETWRIGHT_SCREENS_DIR ?? '/work/notes/screens-polish';

/** The zoom under which node text (12 px at the smallest) reads below 11 px (EditorCanvas READABLE_ZOOM). */
const READABLE_ZOOM = 11 / 12;

interface Box { x: number; y: number; width: number; height: number }

/** The canvas as one sees it: main.canvas above the training dock, in page pixels; the zoom; each node's label box. */
async function framing(page: Page): Promise<{ view: Box; zoom: number; network: Box; labels: { name: string; box: Box }[] }> {
  return page.evaluate(() => {
    const main = document.querySelector('main.canvas')!.getBoundingClientRect();
    const dock = document.querySelector('section.dock')!.getBoundingClientRect();
    const view = { x: main.x, y: main.y, width: main.width, height: Math.min(main.bottom, dock.top) - main.y };
    const viewport = document.querySelector<HTMLElement>('.react-flow__viewport')!;
    const zoom = new DOMMatrixReadOnly(getComputedStyle(viewport).transform).a;
    let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
    for (const el of document.querySelectorAll('.react-flow__node')) {
      const r = el.getBoundingClientRect();
      left = Math.min(left, r.left); top = Math.min(top, r.top); right = Math.max(right, r.right); bottom = Math.max(bottom, r.bottom);
    }
    const labels = [...document.querySelectorAll<HTMLElement>('.react-flow__node [data-node-name]')].map((el) => {
      const label = el.querySelector('.nw-neuron-name, .nw-box-head') ?? el;
      const r = label.getBoundingClientRect();
      return { name: el.dataset.nodeName ?? '', box: { x: r.x, y: r.y, width: r.width, height: r.height } };
    });
    return { view, zoom, network: { x: left, y: top, width: right - left, height: bottom - top }, labels };
  });
}

test.describe('templates open well framed', () => {
  for (const template of TEMPLATES) {
    test(`the ${template.title} template opens with no node's name cut by the canvas edge`, async ({ page }) => {
      await openApp(page);
      await openTemplate(page, new RegExp(template.title.replace(/[()→]/g, '.'), 'i'));
      const doc = template.build();
      const nodes = canvas(page).locator('.react-flow__node');
      await expect(nodes).toHaveCount(doc.nodes.length, { timeout: 20_000 });
      await settledBox(page, nodes.first());
      const { view, zoom, network, labels } = await framing(page);
      expect(labels).toHaveLength(doc.nodes.length);
      // The network's size at the readable zoom, in page pixels.
      const readableWidth = (network.width / zoom) * READABLE_ZOOM;
      const readableHeight = (network.height / zoom) * READABLE_ZOOM;
      const fits = readableWidth <= view.width && readableHeight <= view.height;
      const where = `zoom ${zoom.toFixed(3)}, canvas ${Math.round(view.width)}×${Math.round(view.height)}, network at the readable zoom ${Math.round(readableWidth)}×${Math.round(readableHeight)}`;
      expect(zoom, where).toBeGreaterThanOrEqual(READABLE_ZOOM - 1e-6);
      for (const { name, box } of labels) {
        // Nothing is ever cut at the top or on the left (where the network is read from).
        expect(box.y, `${name}'s label top (${where})`).toBeGreaterThanOrEqual(view.y);
        if (fits) {
          expect(box.x, `${name}'s label left (${where})`).toBeGreaterThanOrEqual(view.x);
          expect(box.x + box.width, `${name}'s label right (${where})`).toBeLessThanOrEqual(view.x + view.width);
          expect(box.y + box.height, `${name}'s label bottom (${where})`).toBeLessThanOrEqual(view.y + view.height);
        }
      }
      if (!fits) {
        // Too big for the readable zoom: it starts at its inputs, every input's label whole.
        for (const n of doc.nodes.filter((d) => d.type === 'input')) {
          const { box } = labels.find((l) => l.name === n.name)!;
          expect(box.x, `input ${n.name} (${where})`).toBeGreaterThanOrEqual(view.x);
          expect(box.y + box.height, `input ${n.name} (${where})`).toBeLessThanOrEqual(view.y + view.height);
        }
      }
      for (const theme of ['light', 'dark'] as const) {
        await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
        await page.screenshot({ path: `${SCREENS}/item1-template-${template.id}-${theme}.png` });
      }
    });
  }
});

test.describe('importing trained weights', () => {
  /** The worked example's weights JSON with every number 0.25, and `extra` fields (e.g. the step it was trained to). */
  async function weightsFile(extra: Record<string, unknown>): Promise<string> {
    const doc = findTemplate('worked-example')!.build();
    const made = weightsJson(doc, new Float32Array(9).fill(0.25));
    if (!made.ok) throw new Error(made.message);
    const path = join(await mkdtemp(join(tmpdir(), 'nw-e2e-polish-')), 'trained-weights.json');
    await writeFile(path, JSON.stringify({ ...made.value, ...extra }));
    return path;
  }

  async function importWeights(page: Page, path: string): Promise<void> {
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('toolbar', { name: 'Main toolbar' }).getByRole('button', { name: 'Export', exact: true }).click();
    await page.getByRole('menu', { name: 'Export' }).getByRole('menuitem', { name: /Import trained weights/ }).click();
    await (await chooser).setFiles(path);
    await expect(page.getByText(/Imported 9 trained weights from trained-weights\.json/)).toBeVisible();
  }

  test('the step counter shows the step the file says the weights were trained to, and counts on from it', async ({ page }) => {
    await openApp(page);
    await openTemplate(page, /Worked example/);
    const step = page.getByTestId('live-step');
    await expect(step).toHaveText('step 0', { timeout: 20_000 });
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(step).toHaveText('step 1');
    await importWeights(page, await weightsFile({ step: 80 }));
    await expect(step).toHaveText('step 80 · imported');
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
      await page.screenshot({ path: `${SCREENS}/item3-imported-step-${theme}.png` });
    }
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(step).toHaveText('step 81');
  });

  test('weights that carry no step count say "imported", not step 0', async ({ page }) => {
    await openApp(page);
    await openTemplate(page, /Worked example/);
    const step = page.getByTestId('live-step');
    await expect(step).toHaveText('step 0', { timeout: 20_000 });
    await importWeights(page, await weightsFile({}));
    await expect(step).toHaveText('imported weights');
    await page.screenshot({ path: `${SCREENS}/item3-imported-no-step-light.png` });
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(step).toHaveText('step 1');
  });
});
