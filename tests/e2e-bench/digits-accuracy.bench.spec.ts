/**
 * Test accuracy of the digits templates over wall time in the browser build: open "Digits: MLP" and "Digits: small
 * CNN", press Play, read the app's own displayed test accuracy (the dock's "test acc") about once a second for up to
 * NETWRIGHT_DIGITS_SECONDS (default 120), then Pause and read the accuracy the trainer measures on the paused weights.
 * The goal: the CNN ≥ 97 % and the MLP ≥ 93 % within 2 minutes. A benchmark, not a test: it records, it does
 * not assert the figures (they depend on the machine and its load, recorded with them).
 * `npm run bench:digits`; JSON to $NETWRIGHT_BENCH_OUT, else the test's output folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

const SECONDS = Number(process.env.NETWRIGHT_DIGITS_SECONDS ?? 120);
const TEMPLATES = [
  { id: 'digits-mlp', title: /Digits: MLP/, goal: 0.93 },
  { id: 'digits-cnn', title: /Digits: small CNN/, goal: 0.97 },
] as const;

interface Sample {
  /** Seconds since Play. */
  t: number;
  step: number;
  epoch: number;
  stepsPerSecond: number;
  testAccuracy: number | null;
}

const results: Record<string, unknown>[] = [];

async function read(page: Page): Promise<Omit<Sample, 't'>> {
  return page.evaluate(() => {
    const text = (id: string) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '';
    const number = (s: string) => Number(s.replace(/[^\d.]/g, ''));
    const acc = document.querySelector('[data-testid="test-accuracy"]')?.getAttribute('data-value');
    return {
      step: number(text('live-step')),
      epoch: number(text('live-epoch')),
      stepsPerSecond: number(text('live-rate')),
      testAccuracy: acc === null || acc === undefined ? null : Number(acc),
    };
  });
}

for (const template of TEMPLATES) {
  test(`${template.id}: test accuracy over ${SECONDS} s of training`, async ({ page }, testInfo) => {
    test.setTimeout((SECONDS + 180) * 1000);
    const loadBefore = loadavg();
    await page.goto('/');
    await expect(page.getByRole('status')).toHaveText(/Trainer ready/, { timeout: 30_000 });
    await page.getByRole('button', { name: 'Templates', exact: true }).click();
    await page.getByRole('menuitem', { name: template.title }).click();
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 60_000 });
    await expect(page.getByTestId('test-accuracy')).toBeVisible({ timeout: 60_000 });
    const toolbar = page.getByRole('toolbar', { name: 'Main toolbar' });
    await toolbar.getByRole('button', { name: 'Play', exact: true }).click();
    const start = Date.now();
    const samples: Sample[] = [];
    let reached: number | null = null;
    while (Date.now() - start < SECONDS * 1000) {
      await page.waitForTimeout(1000);
      const s = { t: Math.round((Date.now() - start) / 100) / 10, ...(await read(page)) };
      samples.push(s);
      if (reached === null && s.testAccuracy !== null && s.testAccuracy >= template.goal) reached = s.t;
    }
    await toolbar.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect(toolbar.getByRole('button', { name: 'Play', exact: true })).toBeVisible();
    // The pause snapshot carries an evaluation of the paused weights (the running ones may be up to a few seconds old).
    const stopped = samples.at(-1)!;
    await expect.poll(async () => (await read(page)).step, { timeout: 30_000 }).toBeGreaterThanOrEqual(stopped.step);
    await page.waitForTimeout(1500);
    const final = await read(page);
    const result = {
      template: template.id,
      seconds: SECONDS,
      goal: template.goal,
      finalTestAccuracy: final.testAccuracy,
      finalStep: final.step,
      finalEpoch: final.epoch,
      reachedGoalAfterSeconds: reached,
      medianStepsPerSecond: median(samples.map((s) => s.stepsPerSecond).filter((v) => v > 0)),
      loadAverageBefore: loadBefore.map((v) => Math.round(v * 100) / 100),
      loadAverageAfter: loadavg().map((v) => Math.round(v * 100) / 100),
      samples,
    };
    results.push(result);
    console.log(JSON.stringify({ ...result, samples: samples.filter((_, k) => k % 10 === 9).map((s) => `${s.t}s step ${s.step} acc ${s.testAccuracy}`) }));
    const out = process.env.NETWRIGHT_BENCH_OUT ?? testInfo.outputPath('digits-accuracy.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    expect(samples.length).toBeGreaterThan(0);
  });
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
