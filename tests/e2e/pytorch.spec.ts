/**
 * The PyTorch round trip in the browser build, as a user does it: Export ▸ PyTorch project downloads a zip; the test
 * unpacks it and runs train.py with Debian's PyTorch (/usr/bin/python3) for two epochs; Export ▸ Import trained weights
 * brings trained-weights.json back, and the app's test loss is the one train.py printed.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { expect, openApp, test } from './fixtures';
import { openTemplate } from './editor';

const PYTHON = '/usr/bin/python3';

function exportMenuButton(page: Page): Locator {
  return page.getByRole('toolbar', { name: 'Main toolbar' }).getByRole('button', { name: 'Export', exact: true });
}

async function menuItem(page: Page, name: RegExp): Promise<Locator> {
  await exportMenuButton(page).click();
  return page.getByRole('menu', { name: 'Export' }).getByRole('menuitem', { name });
}

test.describe('PyTorch project', () => {
  test('exported as a zip, trained by train.py, its weights imported back with the same test loss', async ({ page }, testInfo) => {
    const check = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
    expect(check.status, `${PYTHON} needs torch: apt-get install -y --no-install-recommends python3-torch (see .ci/run)`).toBe(0);

    await openApp(page);
    await openTemplate(page, /Spiral/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    const before = Number(await page.getByTestId('test-loss').getAttribute('data-value'));

    const item = await menuItem(page, /PyTorch project/);
    await expect(page.getByRole('menu', { name: 'Export' }).getByRole('menuitem', { name: /Import trained weights/ })).toBeVisible();
    await page.screenshot({ path: join(process.env.NETWRIGHT_SCREENS_DIR ?? testInfo.outputDir, 'pytorch-export-menu.png') });
    const pending = page.waitForEvent('download');
    await item.click();
    const download = await pending;
    expect(download.suggestedFilename()).toBe('Spiral.zip');
    const root = await mkdtemp(join(tmpdir(), 'nw-e2e-pytorch-'));
    const zipPath = join(root, 'Spiral.zip');
    await download.saveAs(zipPath);
    const entries = unzipSync(new Uint8Array(await readFile(zipPath)));
    expect(Object.keys(entries).sort()).toEqual(['Spiral/README.md', 'Spiral/data.json', 'Spiral/model.py', 'Spiral/train.py', 'Spiral/weights.json']);
    for (const [name, bytes] of Object.entries(entries)) {
      await mkdir(dirname(join(root, name)), { recursive: true });
      await writeFile(join(root, name), bytes);
    }
    const project = join(root, 'Spiral');
    const { PYTHONPATH: _p, PYTHONHOME: _h, ...env } = process.env;
    const run = spawnSync(PYTHON, ['train.py', '--epochs', '2'], { cwd: project, encoding: 'utf8', env: { ...env, OMP_NUM_THREADS: '1' } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const last = run.stdout.split('\n').filter((l) => l.startsWith('epoch')).pop()!;
    expect(last).toMatch(/^epoch {4}2 {2}step 80 /);
    const printed = Number(/test loss (\S+)/.exec(last)![1]);

    const chooser = page.waitForEvent('filechooser');
    await (await menuItem(page, /Import trained weights/)).click();
    await (await chooser).setFiles(join(project, 'trained-weights.json'));
    await expect(page.getByText('Imported 105 trained weights from trained-weights.json')).toBeVisible();
    // The step counter shows the step train.py trained them to, not 0.
    await expect(page.getByTestId('live-step')).toHaveText('step 80 · imported', { timeout: 20_000 });
    await expect.poll(async () => Number(await page.getByTestId('test-loss').getAttribute('data-value')), { timeout: 20_000 }).not.toBe(before);
    const shown = Number(await page.getByTestId('test-loss').getAttribute('data-value'));
    expect(Math.abs(shown - printed)).toBeLessThanOrEqual(1e-6);
    await page.screenshot({ path: join(process.env.NETWRIGHT_SCREENS_DIR ?? testInfo.outputDir, 'pytorch-imported-weights.png') });

    // Another network's weights are refused with the reason, and nothing changes.
    await openTemplate(page, /Worked example/);
    // The import was an edit: the app asks before the network is replaced.
    await page.getByRole('dialog', { name: 'Unsaved changes' }).getByRole('button', { name: /Don.t save/ }).click();
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    const chooser2 = page.waitForEvent('filechooser');
    await (await menuItem(page, /Import trained weights/)).click();
    await (await chooser2).setFiles(join(project, 'trained-weights.json'));
    await expect(page.getByText(/Not imported: trained-weights\.json: The weights file/)).toBeVisible();
  });
});
