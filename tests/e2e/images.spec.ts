/**
 * Image networks as a user sees them in the browser build: open the "Digits: small CNN" template, train it briefly
 * on the real handwritten digits, see the test accuracy rise and the first convolution's filter images change, then
 * click a misclassified digit and see the feature maps of every image node for it.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, openApp, test } from './fixtures';
import { node, openTemplate } from './editor';
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

async function metric(page: Page, testId: string): Promise<number> {
  const el = page.getByTestId(testId);
  if ((await el.count()) === 0) return Number.NaN;
  return Number(await el.getAttribute('data-value'));
}

test.describe('image networks in the browser build', () => {
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
    await page.screenshot({ path: `${SCREENS}/digits-cnn-trained.png` });
    await node(page, 'conv1').screenshot({ path: `${SCREENS}/digits-conv1-filters.png` });
    await dock(page).screenshot({ path: `${SCREENS}/digits-dock.png` });
    expect(problems.pageErrors).toEqual([]);
    expect(problems.consoleErrors).toEqual([]);
  });
});
