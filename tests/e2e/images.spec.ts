/**
 * Image networks as a user sees them in the browser build: open the "Digits: small CNN" template, train it briefly
 * on the real handwritten digits, see the test accuracy rise and the first convolution's filter images change, then
 * click a misclassified digit and see the feature maps of every image node for it.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, openApp, test } from './fixtures';
import { inspector, node, openTemplate } from './editor';
import { pulseLevel } from '../../src/renderer/live/colors';

declare global {
  interface Window {
    /** The per-edge gradients of the latest snapshot the trainer worker sent (recorded by the test, not the app). */
    __edgeGrads?: Record<string, number>;
  }
}

/** Listen to the trainer worker's messages as they arrive: the numbers it streams, before the app draws them. */
async function recordStreamedGradients(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Original = window.Worker;
    window.Worker = class extends Original {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        this.addEventListener('message', (event: MessageEvent) => {
          const data = event.data as { type?: string; edgeGrads?: Record<string, number> } | null;
          if (data?.type === 'snapshot' && data.edgeGrads) window.__edgeGrads = data.edgeGrads;
        });
      }
    };
  });
}

const SCREENS = process.env.NETWRIGHT_SCREENS_DIR ?? process.env.NETWRIGHT_SCREENS ?? '/work/notes/screens';

const dock = (page: Page): Locator => page.getByRole('region', { name: 'Training' });
const toolbar = (page: Page): Locator => page.getByRole('toolbar', { name: 'Main toolbar' });

/** Wait until the view stops moving (Fit view and wheel zoom animate). */
async function settled(page: Page): Promise<void> {
  const viewport = page.locator('.react-flow__viewport');
  let last = '';
  await expect.poll(async () => {
    const now = (await viewport.getAttribute('style')) ?? '';
    const same = now === last;
    last = now;
    return same;
  }, { intervals: [300] }).toBe(true);
}

async function metric(page: Page, testId: string): Promise<number> {
  const el = page.getByTestId(testId);
  if ((await el.count()) === 0) return Number.NaN;
  return Number(await el.getAttribute('data-value'));
}

test.describe('image networks in the browser build', () => {
  test('explain a convolution: pick an output pixel on the feature maps, read z = Σ w·x + b with the patch and kernel numbers', async ({ page, problems }) => {
    test.setTimeout(120_000);
    await openApp(page);
    await openTemplate(page, /Digits: small CNN/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 60_000 });
    // One training step: the network then has every weight (the template's are made by the trainer).
    await toolbar(page).getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page.getByTestId('live-step')).toHaveText('step 1', { timeout: 60_000 });
    await dock(page).getByTestId('sample-image').nth(2).click();
    const maps = node(page, 'conv2').getByTestId('feature-maps');
    await expect(maps).toBeVisible({ timeout: 20_000 });
    // conv2 is 11×11×16: 8 maps shown, 4 a row, 12 canvas pixels apart. Hover shows a value; a click on map 6 (second
    // row, third column), row 4, column 6 explains that pixel.
    await expect(maps).toHaveAttribute('data-cols', '4');
    // (Positions are from the padding box's corner in screen pixels; the canvas is zoomed with the flow.)
    const css = await maps.evaluate((c: HTMLCanvasElement) => ({ width: c.clientWidth, height: c.clientHeight, zoom: c.getBoundingClientRect().width / c.offsetWidth }));
    const spot = { x: ((2 * 12 + 6 + 0.5) / (4 * 12 - 1)) * css.width * css.zoom, y: ((12 + 4 + 0.5) / (2 * 12 - 1)) * css.height * css.zoom };
    await maps.hover({ position: spot });
    await expect(maps).toHaveAttribute('data-hover', /^channel 6, row 4, column 6: -?\d/);
    await maps.click({ position: spot });
    const panel = inspector(page).getByTestId('conv-explain');
    await expect(panel).toBeVisible();
    await expect(inspector(page).getByRole('textbox', { name: 'Row', exact: true })).toHaveValue('4');
    await expect(inspector(page).getByRole('textbox', { name: 'Column', exact: true })).toHaveValue('6');
    await expect(inspector(page).getByRole('textbox', { name: 'Filter', exact: true })).toHaveValue('6');
    // One patch·kernel pair per input channel (8), each a 3×3 grid of numbers.
    await expect(panel.getByTestId('conv-term')).toHaveCount(8);
    await expect(panel.getByRole('table', { name: 'kernel, channel 0' }).locator('td')).toHaveCount(9);
    const z = Number(await panel.getByTestId('conv-z').getAttribute('data-value'));
    const forward = Number(await panel.getByTestId('conv-z').getAttribute('data-forward'));
    expect(Math.abs(z - forward)).toBeLessThan(1e-5 * Math.max(1, Math.abs(z)));
    // The hovered value is the same pixel's activation the explanation ends with.
    const a = Number(await panel.getByTestId('conv-a').getAttribute('data-value'));
    expect(a).toBe(Math.max(0, forward));
    await page.screenshot({ path: `${SCREENS}/digits-conv-explain.png` });
    await inspector(page).screenshot({ path: `${SCREENS}/digits-conv-explain-inspector.png` });
    expect(problems.pageErrors).toEqual([]);
    expect(problems.consoleErrors).toEqual([]);
  });

  test('gradients pulse along the edges into the convolutions, as strong as the trainer\'s numbers say', async ({ page, problems }) => {
    test.setTimeout(180_000);
    await recordStreamedGradients(page);
    await openApp(page);
    await openTemplate(page, /Digits: small CNN/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 60_000 });
    const pulses = page.getByTestId('pulse-layer');
    await expect(pulses).toHaveAttribute('data-pulses', '0');
    await toolbar(page).getByRole('button', { name: 'Play', exact: true }).click();
    // e1: image → conv1, e3: pool1 → conv2 (the template's edges in order); e2, e4, e5 lead into pools and Flatten.
    const imageEdges = ['e1', 'e2', 'e3', 'e4', 'e5'];
    /** The drawn level of each image edge next to the level the latest streamed numbers give it. */
    const compare = () => page.evaluate(() => ({ drawn: document.querySelector('[data-testid="pulse-layer"]')?.getAttribute('data-levels') ?? '', grads: window.__edgeGrads ?? {} }));
    await expect.poll(async () => {
      const { drawn, grads } = await compare();
      const levels = Object.fromEntries(drawn.split(' ').filter(Boolean).map((t) => t.split(':') as [string, string]).map(([id, l]) => [id, Number(l)]));
      const scale = Math.max(0, ...Object.values(grads));
      const expected = imageEdges.map((id) => `${id}:${pulseLevel(grads[id] ?? 0, scale)}`).join(' ');
      const shown = imageEdges.map((id) => `${id}:${levels[id] ?? 0}`).join(' ');
      // Both convolutions' input edges pulse, and every image edge's level is the one its streamed gradient gives.
      return levels.e1! > 0 && levels.e3! > 0 && shown === expected ? 'match' : `${shown} vs ${expected}`;
    }, { timeout: 90_000 }).toBe('match');
    await node(page, 'conv1').screenshot({ path: `${SCREENS}/digits-pulses-conv1.png` });
    await page.screenshot({ path: `${SCREENS}/digits-cnn-pulses.png` });
    await toolbar(page).getByRole('button', { name: 'Pause', exact: true }).click();
    await expect(pulses).toHaveAttribute('data-pulses', '0');
    expect(problems.pageErrors).toEqual([]);
    expect(problems.consoleErrors).toEqual([]);
  });

  test('the digits CNN learns: test accuracy rises, the filters change, a misclassified digit shows its feature maps', async ({ page, problems }) => {
    test.setTimeout(300_000);
    await openApp(page);
    await openTemplate(page, /Digits: small CNN/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 60_000 });
    await expect.poll(() => metric(page, 'test-accuracy'), { timeout: 60_000 }).toBeGreaterThan(0);
    const start = await metric(page, 'test-accuracy');
    expect(start).toBeLessThan(0.3);

    const filters = node(page, 'conv1').getByTestId('filter-images');
    await expect(filters).toBeVisible({ timeout: 20_000 });
    const before = await filters.getAttribute('data-fingerprint');
    await expect(dock(page).getByTestId('sample-image').first()).toBeVisible({ timeout: 30_000 });

    const stopAfter = dock(page).getByRole('textbox', { name: 'Stop after epochs' });
    await stopAfter.fill('1');
    await stopAfter.press('Enter');
    await toolbar(page).getByRole('button', { name: 'Play', exact: true }).click();
    await expect(page.getByTestId('live-epoch')).toHaveText('epoch 1', { timeout: 240_000 });
    await expect(toolbar(page).getByRole('button', { name: 'Play', exact: true })).toBeVisible();
    const after = await metric(page, 'test-accuracy');
    expect(after).toBeGreaterThan(0.85);
    expect(after).toBeGreaterThan(start + 0.5);
    await expect(filters).not.toHaveAttribute('data-fingerprint', before ?? '');

    // The gallery of digits it gets wrong; one click runs the network on that digit.
    const wrong = dock(page).getByTestId('misclassified-image');
    await expect(wrong.first()).toBeVisible({ timeout: 20_000 });
    await wrong.first().click();
    for (const id of ['image', 'conv1', 'pool1', 'conv2', 'pool2']) await expect(node(page, id).getByTestId('feature-maps')).toBeVisible();
    // The network's verdict on that digit is on the Output node; every image node shows its maps for it.
    await page.getByRole('button', { name: 'Fit view', exact: true }).click();
    for (const theme of ['light', 'dark'] as const) {
      if (theme === 'dark') await page.getByRole('button', { name: 'Switch to dark theme' }).click();
      await page.screenshot({ path: `${SCREENS}/digits-cnn-trained-${theme}.png` });
      for (const id of ['image', 'conv1', 'pool1', 'conv2', 'pool2']) {
        // Zoomed in on the node as a user would (the wheel zooms about the pointer), then back to the whole network.
        await settled(page);
        const b = (await node(page, id).boundingBox())!;
        await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
        for (let k = 0; k < 4; k++) await page.mouse.wheel(0, -300);
        await expect.poll(async () => (await node(page, id).boundingBox())!.width).toBeGreaterThan(b.width * 1.5);
        await settled(page);
        await node(page, id).screenshot({ path: `${SCREENS}/digits-node-${id}-${theme}.png` });
        await page.getByRole('button', { name: 'Fit view', exact: true }).click();
      }
      await dock(page).screenshot({ path: `${SCREENS}/digits-dock-${theme}.png` });
    }
    await node(page, 'conv1').getByTestId('feature-maps').click({ position: { x: 20, y: 20 } });
    await expect(page.getByRole('complementary', { name: 'Inspector' }).getByTestId('conv-explain')).toBeVisible();
    await page.getByRole('complementary', { name: 'Inspector' }).screenshot({ path: `${SCREENS}/digits-conv1-explain-dark.png` });
    expect(problems.pageErrors).toEqual([]);
    expect(problems.consoleErrors).toEqual([]);
  });
});
