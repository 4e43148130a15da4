/**
 * Screenshots of the editor for people to look at (not compared pixel by pixel): the worked example, a larger layer
 * graph, and a validation error, in light and dark. Written to $NETWRIGHT_SCREENS_DIR when set, else into the test's
 * output folder.
 */
import { join } from 'node:path';
import { expect, openApp, test } from './fixtures';
import { canvas, inspector, node, openTemplate, selectNode } from './editor';
import { layerGraph, pasteDocument } from './graphs';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

for (const theme of ['light', 'dark'] as const) {
  test.describe(`${theme} theme`, () => {
    test.beforeEach(async ({ page }) => {
      await page.emulateMedia({ colorScheme: theme });
      await openApp(page);
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
    });

    test(`screenshot of the worked example, ${theme}`, async ({ page }, testInfo) => {
      await page.getByRole('button', { name: /Worked example/ }).click();
      await selectNode(page, 'out');
      await expect(node(page, 'out').getByTestId('node-output')).toHaveText('a = 0.4502');
      const dir = process.env.NETWRIGHT_SCREENS_DIR ?? testInfo.outputDir;
      await page.screenshot({ path: join(dir, `editor-worked-example-${theme}.png`) });
    });

    test(`screenshot of a larger layer graph, ${theme}`, async ({ page }, testInfo) => {
      await page.setViewportSize({ width: 1920, height: 1080 }); // a projector's full HD: room for eight layers
      await page.getByRole('button', { name: 'Empty canvas' }).click();
      await pasteDocument(page, layerGraph());
      await expect(canvas(page).locator('.react-flow__node')).toHaveCount(10);
      await page.keyboard.press('Escape');
      const zoom = page.getByTitle('Canvas zoom');
      const before = await zoom.textContent();
      await page.keyboard.press('l'); // auto-layout, then the view fits itself
      await expect(zoom).not.toHaveText(before!);
      await expect(page.getByRole('contentinfo', { name: 'Status bar' }).getByTestId('validation-state')).toHaveText('valid');
      await page.waitForTimeout(600); // layout and the fit-view animation
      await selectNode(page, 'dense3');
      const dir = process.env.NETWRIGHT_SCREENS_DIR ?? testInfo.outputDir;
      await page.screenshot({ path: join(dir, `editor-layer-graph-${theme}.png`) });
    });

    test(`screenshot of a validation error, ${theme}`, async ({ page }, testInfo) => {
      await openTemplate(page, /Iris/);
      await selectNode(page, 'classes');
      await inspector(page).getByLabel('Activation').selectOption('relu');
      await expect(node(page, 'species').locator('.nw-box')).toHaveClass(/has-error/);
      await selectNode(page, 'species');
      await expect(inspector(page).locator('.inspector-problem')).toContainText('softmax cross-entropy');
      await node(page, 'classes').hover();
      await expect(node(page, 'classes').getByRole('tooltip')).toBeVisible(); // the message on hover
      const dir = process.env.NETWRIGHT_SCREENS_DIR ?? testInfo.outputDir;
      await page.screenshot({ path: join(dir, `editor-validation-error-${theme}.png`) });
    });
  });
}
