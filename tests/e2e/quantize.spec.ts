/**
 * Quantizing from the window: the Learn menu's "Quantize the trained network…" shows loss, accuracy and memory before
 * and after as the core computes them, and exports the quantized model, which ONNX Runtime runs to the core's
 * quantized outputs.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runOnnx } from '../core/onnx/ort';
import { expect, openApp, test } from './fixtures';

interface Metrics { loss: number; accuracy: number }
interface Expected {
  reports: Record<'int8' | 'fp16', { before: Metrics; after: Metrics; bytes: { fp32: number; quantized: number } }>;
  inputSize: number;
  x: number[];
  outputs: number[];
}

/** The core's numbers, from helpers/quantize-core.ts run by tsx (Playwright's loader cannot import the data sets). */
function coreNumbers(): Expected {
  return JSON.parse(execFileSync('npx', ['tsx', join(import.meta.dirname, 'helpers/quantize-core.ts')], { encoding: 'utf8' })) as Expected;
}

test('quantize the Iris network: before and after as the core measures them, and the exported model runs in ONNX Runtime', async ({ page, problems }, testInfo) => {
  const core = coreNumbers();
  await openApp(page);
  await page.locator('[data-template="iris"]').click();
  await page.getByRole('button', { name: 'Learn', exact: true }).click();
  await page.getByRole('menuitem', { name: /Quantize the trained network/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Quantize' });

  const int8 = core.reports.int8;
  await expect(dialog.getByTestId('loss-before')).toHaveText(int8.before.loss.toFixed(4));
  await expect(dialog.getByTestId('loss-after')).toHaveText(int8.after.loss.toFixed(4));
  await expect(dialog.getByTestId('accuracy-after')).toHaveText(`${(int8.after.accuracy * 100).toFixed(1)} %`);
  await expect(dialog.getByTestId('memory-before')).toHaveText(`${int8.bytes.fp32} B`);
  await expect(dialog.getByTestId('memory-after')).toHaveText(`${int8.bytes.quantized} B`);
  expect(int8.bytes.quantized).toBeLessThan(int8.bytes.fp32);

  const fp16 = core.reports.fp16;
  await dialog.getByLabel('Quantization format').selectOption('fp16');
  await expect(dialog.getByTestId('memory-after')).toHaveText(`${fp16.bytes.quantized} B`);
  await expect(dialog.getByTestId('loss-after')).toHaveText(fp16.after.loss.toFixed(4));
  await dialog.getByLabel('Quantization format').selectOption('int8-unit');
  await expect(dialog.getByTestId('memory-after')).toHaveText(`${int8.bytes.quantized} B`);

  const pending = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export quantized ONNX…' }).click();
  const download = await pending;
  expect(download.suggestedFilename()).toBe('Iris classifier-int8-unit.onnx');
  const path = join(testInfo.outputDir, download.suggestedFilename());
  await download.saveAs(path);
  const bytes = new Uint8Array(await readFile(path));
  const got = await runOnnx(bytes, Float32Array.from(core.x), 5, core.inputSize);
  expect(got.data.length).toBe(core.outputs.length);
  for (let i = 0; i < core.outputs.length; i++) expect(Math.abs(got.data[i]! - core.outputs[i]!)).toBeLessThanOrEqual(1e-5);

  await page.screenshot({ path: join(process.env.NETWRIGHT_SCREENS_DIR ?? testInfo.outputDir, 'quantize-dialog-light.png') });
  await dialog.getByRole('button', { name: 'Close quantize' }).click();
  await expect(dialog).toHaveCount(0);
  expect(problems.pageErrors).toEqual([]);
});
