/**
 * Screenshots of the main window in both themes, for people to look at (not compared pixel by pixel).
 * Written to $NETWRIGHT_SCREENS_DIR when set, else into this test's output folder.
 */
import { join } from 'node:path';
import { expect, openApp, test } from './fixtures';

for (const theme of ['light', 'dark'] as const) {
  test(`screenshot of the main window, ${theme} theme`, async ({ page }, testInfo) => {
    await page.emulateMedia({ colorScheme: theme });
    await openApp(page);
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    const fontLoaded = await page.evaluate(() => document.fonts.check('14px Inter'));
    expect(fontLoaded).toBe(true);
    const dir = process.env.NETWRIGHT_SCREENS_DIR ?? testInfo.outputDir;
    await page.screenshot({ path: join(dir, `main-window-${theme}.png`) });
  });
}

test('screenshot at a projector’s 1280×720, with nothing cut off in the toolbar', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.emulateMedia({ colorScheme: 'light' });
  await openApp(page);
  const toolbar = page.getByRole('toolbar', { name: 'Main toolbar' });
  const fits = await toolbar.evaluate((el) => el.scrollWidth <= el.clientWidth);
  expect(fits).toBe(true);
  const dir = process.env.NETWRIGHT_SCREENS_DIR ?? testInfo.outputDir;
  await page.screenshot({ path: join(dir, 'main-window-1280x720.png') });
});

test('screenshot of the trainer-stopped banner', async ({ page }, testInfo) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openApp(page);
  await expect.poll(() => page.workers().length).toBeGreaterThan(0);
  await page.workers()[0]!.evaluate(() => {
    setTimeout(() => {
      throw new Error('simulated trainer crash');
    });
  });
  await expect(page.getByRole('alert')).toBeVisible();
  const dir = process.env.NETWRIGHT_SCREENS_DIR ?? testInfo.outputDir;
  await page.screenshot({ path: join(dir, 'trainer-stopped-light.png') });
});
