/**
 * The browser build is cross-origin isolated (COOP/COEP from `vite preview`, as from app:// in the desktop app), so the
 * trainer's Web Worker splits large matrix products across nested workers: the status bar's trainer tooltip names the
 * thread count, and training the digits MLP starts the thread workers and trains.
 */
import { expect, openApp, test } from './fixtures';
import { openTemplate } from './editor';

const SCREENS = process.env.NETWRIGHT_SCREENS_DIR ?? process.env.NETWRIGHT_SCREENS ?? '/work/notes/screens';

test.describe('threads in the browser build', () => {
  test('the page is cross-origin isolated, the trainer reports its threads and uses them to train the digits MLP', async ({ page, problems }) => {
    test.setTimeout(180_000);
    await openApp(page);
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const threads = Math.max(1, Math.min(8, cores));
    const status = page.getByRole('status').filter({ hasText: 'Trainer ready' });
    await expect(status).toHaveAttribute('title', `netwright-trainer (web worker), ${threads} thread${threads === 1 ? '' : 's'} for large products`);
    // Only the trainer's worker so far: the thread workers start at the first product big enough to split.
    expect(page.workers().length).toBe(1);

    await openTemplate(page, /Digits: MLP/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 60_000 });
    const toolbar = page.getByRole('toolbar', { name: 'Main toolbar' });
    await toolbar.getByRole('button', { name: 'Play', exact: true }).click();
    const step = async () => Number((await page.getByTestId('live-step').textContent())?.replace(/\D/g, ''));
    await expect.poll(step, { timeout: 60_000 }).toBeGreaterThan(100);
    // The trainer's worker and its thread workers (Playwright lists nested workers too).
    if (threads > 1) await expect.poll(() => page.workers().length).toBe(threads);
    // and it learns (products split wrongly would leave it at chance, about 10 %)
    const accuracy = async () => Number(await page.getByTestId('test-accuracy').getAttribute('data-value'));
    await expect.poll(accuracy, { timeout: 60_000 }).toBeGreaterThan(0.6);
    await toolbar.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.screenshot({ path: `${SCREENS}/threads-digits-mlp.png` });
    expect(problems.pageErrors).toEqual([]);
    expect(problems.consoleErrors).toEqual([]);
  });
});
