/**
 * Image networks as a user sees them in the browser build: open the "Digits: small CNN" template, train it briefly
 * on the real handwritten digits, see the test accuracy rise and the first convolution's filter images change, then
 * click a misclassified digit and see the feature maps of every image node for it.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, openApp, test } from './fixtures';
import { node, openTemplate } from './editor';

const SCREENS = process.env.NETWRIGHT_SCREENS_DIR ?? process.env.NETWRIGHT_SCREENS ?? '/work/notes/screens';

const dock = (page: Page): Locator => page.getByRole('region', { name: 'Training' });
const toolbar = (page: Page): Locator => page.getByRole('toolbar', { name: 'Main toolbar' });

async function metric(page: Page, testId: string): Promise<number> {
  const el = page.getByTestId(testId);
  if ((await el.count()) === 0) return Number.NaN;
  return Number(await el.getAttribute('data-value'));
}

test.describe('image networks in the browser build', () => {
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
