/**
 * The trainer's life as a user sees it. A crash is made the way one happens: an uncaught error inside the trainer's
 * Web Worker (injected through Playwright's worker handle, so the app ships no test-only kill switch). The app treats
 * an uncaught trainer error as fatal, stops that worker and offers a restart.
 */
import type { Page, Worker } from '@playwright/test';
import { expect, openApp, test } from './fixtures';

async function trainerWorker(page: Page): Promise<Worker> {
  await expect.poll(() => page.workers().length).toBeGreaterThan(0);
  const worker = page.workers().at(-1);
  if (!worker) throw new Error('no trainer worker');
  return worker;
}

test.describe('the trainer connection', () => {
  test('reaches "Trainer ready" through a hello round-trip with the Web Worker host', async ({ page }) => {
    await openApp(page);
    await expect(page.getByRole('status')).toHaveText('Trainer ready · protocol v1');
    expect(page.workers().length).toBe(1);
  });

  test('when the trainer crashes a banner says so, and Restart brings it back', async ({ page }) => {
    await openApp(page);
    const worker = await trainerWorker(page);
    await worker.evaluate(() => {
      setTimeout(() => {
        throw new Error('simulated trainer crash');
      });
    });

    const banner = page.getByRole('alert');
    await expect(banner).toContainText('The trainer stopped.');
    await expect(banner).toContainText('simulated trainer crash');
    await expect(page.getByRole('status')).toHaveText('Trainer stopped');

    await banner.getByRole('button', { name: 'Restart' }).click();
    await expect(page.getByRole('status')).toHaveText('Trainer ready · protocol v1');
    await expect(banner).toHaveCount(0);
    await expect.poll(() => page.workers().length).toBe(1);
  });

  test('"Restart trainer" in the status bar replaces the worker with a fresh one', async ({ page }) => {
    await openApp(page);
    const first = await trainerWorker(page);
    const closed = new Promise<void>((resolve) => first.once('close', () => resolve()));

    await page.getByRole('button', { name: 'Restart trainer' }).click();
    await closed;
    await expect(page.getByRole('status')).toHaveText('Trainer ready · protocol v1');
    await expect(page.getByRole('alert')).toHaveCount(0);
    const second = await trainerWorker(page);
    expect(second).not.toBe(first);
  });
});
