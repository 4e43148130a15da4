/**
 * Memory over a long run at full speed: the spiral template trains for NETWRIGHT_HEAP_MINUTES (default 10) while the
 * page draws every snapshot it is sent (ack-paced). The page's JS heap (after a forced GC, via CDP) is recorded at
 * the start, every minute, and at the end, with the step and test loss shown, and written to
 * bench/e2e/results/heap-<date>.json. The only check: the heap at the end is within 2× + 16 MB of the start.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type CDPSession, type Page } from '@playwright/test';

const minutes = Number(process.env.NETWRIGHT_HEAP_MINUTES ?? '10');

async function heap(cdp: CDPSession): Promise<{ usedMB: number; totalMB: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize, totalSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
  return { usedMB: usedSize / 2 ** 20, totalMB: totalSize / 2 ** 20 };
}

async function progress(page: Page): Promise<{ step: number; lossPath: string }> {
  const step = Number(((await page.getByTestId('live-step').textContent()) ?? '').replace(/[^0-9]/g, ''));
  const loss = (await page.getByTestId('test-loss').getAttribute('data-value')) ?? '';
  return { step, lossPath: loss };
}

test(`JS heap over ${minutes} minute(s) of training at full speed`, async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('status')).toHaveText(/Trainer ready/, { timeout: 20_000 });
  await page.getByRole('button', { name: 'Templates', exact: true }).click();
  await page.getByRole('menuitem', { name: /Spiral/ }).click();
  await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');

  const start = await heap(cdp);
  const samples: { minute: number; usedMB: number; totalMB: number; step: number; testLoss: string }[] = [];
  samples.push({ minute: 0, ...start, step: 0, testLoss: (await progress(page)).lossPath });

  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  const t0 = Date.now();
  for (let m = 1; m <= Math.ceil(minutes); m++) {
    const until = t0 + Math.min(m, minutes) * 60_000;
    await page.waitForTimeout(Math.max(0, until - Date.now()));
    const p = await progress(page);
    const h = await heap(cdp);
    samples.push({ minute: Math.min(m, minutes), ...h, step: p.step, testLoss: p.lossPath });
    console.log(`minute ${Math.min(m, minutes)}: heap ${h.usedMB.toFixed(1)} MB used / ${h.totalMB.toFixed(1)} MB total, step ${p.step.toLocaleString('en-US')}`);
  }
  const rate = (await page.getByTestId('live-rate').textContent()) ?? '';
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const end = samples[samples.length - 1]!;

  const report = {
    date: new Date().toISOString(),
    minutes,
    template: 'spiral',
    start: { usedMB: start.usedMB, totalMB: start.totalMB },
    end: { usedMB: end.usedMB, totalMB: end.totalMB },
    stepsAtEnd: end.step,
    lastRate: rate,
    samples,
  };
  const dir = resolve(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(resolve(dir, `heap-${report.date.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`JS heap start ${start.usedMB.toFixed(1)} MB, end ${end.usedMB.toFixed(1)} MB after ${end.step.toLocaleString('en-US')} steps (${rate})`);
  expect(end.usedMB).toBeLessThan(start.usedMB * 2 + 16);
});
