/**
 * The desktop path of the renderer, in Chromium without Electron. An init script plays main + preload: it exposes
 * `window.netwright` with the NetwrightApi shape and, when asked for a trainer, starts the real trainer host (the
 * browser build's worker script) behind a MessageChannel and posts one end to the page exactly as the preload does
 * (`window.postMessage(TRAINER_PORT_MESSAGE, '*', [port])`). The renderer must take the port from that message,
 * say hello over it, show a crash reported through onTrainerGone, and restart through restartTrainer().
 */
import type { Page } from '@playwright/test';
import { TRAINER_PORT_MESSAGE } from '../../src/shared/ipc';
import { expect, openApp, test } from './fixtures';

/** The URL of the trainer worker script in the browser build, read from a normal page load. */
async function trainerScriptUrl(page: Page): Promise<string> {
  await openApp(page);
  await expect.poll(() => page.workers().length).toBeGreaterThan(0);
  return page.workers()[0]!.url();
}

async function installFakeDesktop(page: Page, workerUrl: string) {
  await page.addInitScript(
    ({ workerUrl, message }) => {
      type Gone = { reason: string; exitCode?: number };
      const goneListeners = new Set<(info: Gone) => void>();
      const calls = { requestTrainerPort: 0, restartTrainer: 0 };
      let current: Worker | null = null;

      const startTrainer = () => {
        current?.terminate();
        const worker = new Worker(workerUrl, { type: 'module' });
        current = worker;
        const channel = new MessageChannel();
        // Main relays between the page's port and the trainer; the trainer itself only sees its own channel.
        channel.port2.onmessage = (event) => worker.postMessage(event.data);
        worker.onmessage = (event) => channel.port2.postMessage(event.data);
        worker.onerror = (event) => {
          event.preventDefault();
          worker.terminate();
          for (const listener of [...goneListeners]) listener({ reason: 'the trainer process crashed', exitCode: 1 });
        };
        window.postMessage(message, '*', [channel.port1]);
      };

      Object.assign(window, {
        __fakeDesktopCalls: calls,
        netwright: {
          platform: 'electron',
          requestTrainerPort() {
            calls.requestTrainerPort++;
            startTrainer();
          },
          async restartTrainer() {
            calls.restartTrainer++;
            startTrainer();
          },
          onTrainerGone(listener: (info: Gone) => void) {
            goneListeners.add(listener);
            return () => goneListeners.delete(listener);
          },
        },
      });
    },
    { workerUrl, message: TRAINER_PORT_MESSAGE },
  );
}

function desktopCalls(page: Page) {
  return page.evaluate(() => (window as unknown as { __fakeDesktopCalls: Record<string, number> }).__fakeDesktopCalls);
}

test.describe('the desktop transport (window.netwright present)', () => {
  test('takes the trainer port the preload posts and reaches "Trainer ready" through it', async ({ page, problems }) => {
    const url = await trainerScriptUrl(page);
    await installFakeDesktop(page, url);
    await openApp(page);
    expect(await desktopCalls(page)).toEqual({ requestTrainerPort: 1, restartTrainer: 0 });
    expect(problems.consoleErrors).toEqual([]);
    expect(await problems.cspViolations()).toEqual([]);
  });

  test('shows the banner when main reports the trainer gone, and Restart asks main for a new one', async ({ page }) => {
    const url = await trainerScriptUrl(page);
    await installFakeDesktop(page, url);
    await openApp(page);
    await expect.poll(() => page.workers().length).toBe(1);
    await page.workers()[0]!.evaluate(() => {
      setTimeout(() => {
        throw new Error('simulated crash');
      });
    });

    const banner = page.getByRole('alert');
    await expect(banner).toContainText('The trainer process crashed (exit code 1)');
    await banner.getByRole('button', { name: 'Restart' }).click();
    await expect(page.getByRole('status')).toHaveText('Trainer ready · protocol v1');
    expect(await desktopCalls(page)).toEqual({ requestTrainerPort: 1, restartTrainer: 1 });
  });
});
