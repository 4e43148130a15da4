/**
 * Run comparison as a learner uses it: train XOR, Reset (the run is kept), train again at another learning rate,
 * keep that run, overlay both curves, save the file (the runs are in it) and open it again (they come back).
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, openApp, test } from './fixtures';
import { openTemplate } from './editor';

const toolbar = (page: Page): Locator => page.getByRole('toolbar', { name: 'Main toolbar' });
const button = (page: Page, name: string) => toolbar(page).getByRole('button', { name, exact: true });

async function openRuns(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Learn', exact: true }).click();
  await page.getByRole('menuitem', { name: /Compare runs/ }).click();
  return page.getByRole('dialog', { name: 'Compare runs' });
}

test('runs are kept, overlaid, compared, saved in the file and opened again', async ({ page, problems }, testInfo) => {
  await openApp(page);
  await openTemplate(page, /XOR/);
  await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
  await button(page, 'Step epoch').click();
  await expect(page.getByTestId('live-step')).toHaveText('step 32');
  await button(page, 'Step epoch').click();
  await expect(page.getByTestId('live-step')).toHaveText('step 64');
  await button(page, 'Reset').click();
  await expect(page.getByTestId('live-step')).toHaveText('step 0');

  const lr = toolbar(page).getByRole('textbox', { name: 'Learning rate' });
  await lr.fill('0.1');
  await lr.press('Enter');
  await expect(page.getByTestId('live-lr')).toHaveText('lr 0.1');
  await button(page, 'Step epoch').click();
  await expect(page.getByTestId('live-step')).toHaveText('step 32');

  let dialog = await openRuns(page);
  const rows = dialog.getByRole('table', { name: 'Runs' }).locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.nth(0)).toContainText('Run 1');
  await expect(rows.nth(0).locator('td').nth(1)).toHaveText('0.03');
  await expect(rows.nth(0).locator('td').nth(5)).toHaveText('64');
  await dialog.getByRole('button', { name: 'Keep this run' }).click();
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1).locator('td').nth(1)).toHaveText('0.1');
  await expect(rows.nth(1).locator('td').nth(5)).toHaveText('32');
  // XOR has 17 parameters: 2·4 + 4 weights in, 4 + 1 biases.
  await expect(rows.nth(1).locator('td').nth(3)).toHaveText('17');

  // Both curves overlaid, each in the chart's legend; unticking one takes it out.
  const chart = dialog.getByLabel('Loss curves');
  await expect(chart).toHaveAttribute('data-runs', '2');
  await expect(chart.locator('.u-legend')).toContainText('Run 1');
  await expect(chart.locator('.u-legend')).toContainText('Run 2');
  await expect(chart.locator('canvas')).toHaveCount(1);
  await page.screenshot({ path: join(process.env.NETWRIGHT_SCREENS_DIR ?? testInfo.outputDir, 'runs-dialog-light.png') });
  await dialog.getByRole('checkbox', { name: 'Overlay Run 1' }).uncheck();
  await expect(chart).toHaveAttribute('data-runs', '1');
  await expect(chart.locator('.u-legend')).not.toContainText('Run 1');
  await dialog.getByRole('button', { name: 'Close runs' }).click();

  // Saved in the file.
  const pending = page.waitForEvent('download');
  await button(page, 'Save').click();
  const download = await pending;
  const path = join(await mkdtemp(join(tmpdir(), 'nw-runs-')), download.suggestedFilename());
  await download.saveAs(path);
  const saved = JSON.parse(await readFile(path, 'utf8')) as { version: number; runs: { name: string; setup: { learningRate: number }; final: { step: number }; curve: { step: number[] } }[] };
  expect(saved.version).toBe(4);
  expect(saved.runs.map((r) => [r.name, r.setup.learningRate, r.final.step])).toEqual([['Run 1', 0.03, 64], ['Run 2', 0.1, 32]]);
  expect(saved.runs[0]!.curve.step.at(-1)).toBe(64);

  // A fresh window opens the file and has its runs.
  await page.goto('/');
  await expect(page.getByRole('status')).toHaveText(/Trainer ready/, { timeout: 20_000 });
  const chooser = page.waitForEvent('filechooser');
  await button(page, 'Open').click();
  await (await chooser).setFiles(path);
  await expect(page.getByTestId('live-step')).toHaveText(/step \d+/, { timeout: 20_000 });
  dialog = await openRuns(page);
  await expect(dialog.getByRole('table', { name: 'Runs' }).locator('tbody tr')).toHaveCount(2);
  await expect(dialog.getByLabel('Loss curves')).toHaveAttribute('data-runs', '2');
  expect(problems.pageErrors).toEqual([]);
});
