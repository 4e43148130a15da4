/**
 * Training as a user sees it in the browser build: open a template, press Play, watch the numbers the trainer
 * reports fall; a learning rate far too high ends in the divergence message with the weights kept; a crashed
 * trainer comes back and gets the document again.
 */
import type { Locator, Page, Worker } from '@playwright/test';
import { expect, openApp, test } from './fixtures';
import { clickEdge, inspector, node, openTemplate, selectNode, setField } from './editor';

const SCREENS = process.env.NETWRIGHT_SCREENS ?? '/work/notes/screens';

function dock(page: Page): Locator {
  return page.getByRole('region', { name: 'Training' });
}

function toolbar(page: Page): Locator {
  return page.getByRole('toolbar', { name: 'Main toolbar' });
}

/** The number a live metric shows, exactly as the trainer sent it (the element carries the unrounded value). */
async function metric(page: Page, testId: string): Promise<number> {
  const el = page.getByTestId(testId);
  if ((await el.count()) === 0) return Number.NaN;
  return Number(await el.getAttribute('data-value'));
}

/** Each edge's stroke as drawn (colour, width, opacity), by edge id. */
async function edgeLooks(page: Page): Promise<Record<string, string>> {
  return page.getByRole('main', { name: 'Network canvas' }).locator('.react-flow__edge').evaluateAll((edges) =>
    Object.fromEntries(
      edges.map((e) => {
        const path = e.querySelector<SVGPathElement>('path.nw-edge');
        return [e.getAttribute('data-id') ?? '?', path ? `${path.style.stroke} ${path.style.strokeWidth} ${path.style.opacity}` : ''];
      }),
    ),
  );
}

async function setLearningRate(page: Page, value: string): Promise<void> {
  const lr = toolbar(page).getByRole('textbox', { name: 'Learning rate' });
  await lr.fill(value);
  await lr.press('Enter');
  await expect.poll(async () => Number(await lr.inputValue())).toBe(Number(value));
  await expect(lr).toHaveAttribute('aria-invalid', 'false');
}

async function trainerWorker(page: Page): Promise<Worker> {
  await expect.poll(() => page.workers().length).toBeGreaterThan(0);
  const worker = page.workers().at(-1);
  if (!worker) throw new Error('no trainer worker');
  return worker;
}

/** The spiral's test loss must fall below this (binary cross-entropy; chance level is ln 2 ≈ 0.693). */
const SPIRAL_TARGET_LOSS = 0.35;

test.describe('training in the browser build', () => {
  test('the spiral template learns: the test loss the trainer reports falls below 0.35 and the edges change colour', async ({ page, problems }) => {
    test.setTimeout(180_000);
    await openApp(page);
    await openTemplate(page, /Spiral/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    const start = await metric(page, 'test-loss');
    expect(start).toBeGreaterThan(SPIRAL_TARGET_LOSS);
    await page.screenshot({ path: `${SCREENS}/training-early.png` });
    const looksBefore = await edgeLooks(page);

    // First a few epochs only ("stop after"), to see it part-way.
    const stopAfter = dock(page).getByRole('textbox', { name: 'Stop after epochs' });
    await stopAfter.fill('5');
    await stopAfter.press('Enter');
    await toolbar(page).getByRole('button', { name: 'Play', exact: true }).click();
    await expect(page.getByTestId('live-epoch')).toHaveText('epoch 5', { timeout: 30_000 });
    await expect(toolbar(page).getByRole('button', { name: 'Play', exact: true })).toBeVisible();
    // 400 training points in batches of 10: 40 steps an epoch.
    await expect(page.getByTestId('live-step')).toHaveText('step 200');
    await page.screenshot({ path: `${SCREENS}/training-mid.png` });

    // Then on until it has learnt the spirals.
    await stopAfter.fill('');
    await stopAfter.press('Enter');
    await toolbar(page).getByRole('button', { name: 'Play', exact: true }).click();
    await expect(toolbar(page).getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
    await expect(page.getByTestId('live-rate')).not.toHaveText('0 steps/s', { timeout: 20_000 });
    await expect.poll(() => metric(page, 'test-loss'), { timeout: 150_000, intervals: [500] }).toBeLessThan(SPIRAL_TARGET_LOSS);
    await toolbar(page).getByRole('button', { name: 'Pause', exact: true }).click();
    await expect(toolbar(page).getByRole('button', { name: 'Play', exact: true })).toBeVisible();
    await expect(dock(page).getByRole('figure', { name: 'Data and decision boundary' }).locator('canvas')).toHaveAttribute('data-heatmap', 'yes');
    await page.screenshot({ path: `${SCREENS}/training-converged.png` });
    // The edges show the trained weights, not the initial ones.
    const looksAfter = await edgeLooks(page);
    const changed = Object.keys(looksBefore).filter((id) => looksAfter[id] !== looksBefore[id]);
    expect(changed.length).toBeGreaterThan(0);
    expect(problems.pageErrors).toEqual([]);
    expect(problems.consoleErrors).toEqual([]);
  });

  test('moving a node does not disturb training; renaming one pauses, reloads and keeps the trained weights', async ({ page }) => {
    test.setTimeout(120_000);
    await openApp(page);
    await openTemplate(page, /Spiral/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    const untrained = await metric(page, 'test-loss');
    await toolbar(page).getByRole('button', { name: 'Play', exact: true }).click();
    await expect.poll(() => metric(page, 'test-loss'), { timeout: 60_000, intervals: [250] }).toBeLessThan(SPIRAL_TARGET_LOSS);

    const box = (await node(page, 'hidden2').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 8);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + 90, { steps: 6 });
    await page.mouse.up();
    await expect.poll(async () => (await node(page, 'hidden2').boundingBox())!.y).toBeGreaterThan(box.y + 40);
    await expect(toolbar(page).getByRole('button', { name: 'Pause', exact: true })).toBeVisible();

    await selectNode(page, 'hidden1');
    await setField(page, 'Name', 'first layer');
    // Paused, reloaded (a new session starts at step 0) from the trained weights: the loss is still low.
    await expect(toolbar(page).getByRole('button', { name: 'Play', exact: true })).toBeVisible();
    await expect(page.getByTestId('live-step')).toHaveText('step 0');
    const after = await metric(page, 'test-loss');
    expect(after).toBeLessThan(SPIRAL_TARGET_LOSS);
    expect(after).toBeLessThan(untrained);
  });

  test('the Iris classifier trains on the real table: a 3×3 confusion matrix over the test split, accuracy rising', async ({ page }) => {
    await openApp(page);
    await openTemplate(page, /Iris/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    const stopAfter = dock(page).getByRole('textbox', { name: 'Stop after epochs' });
    await stopAfter.fill('100');
    await stopAfter.press('Enter');
    await toolbar(page).getByRole('button', { name: 'Play', exact: true }).click();
    await expect(page.getByTestId('live-epoch')).toHaveText('epoch 100', { timeout: 30_000 });
    const matrix = dock(page).getByRole('figure', { name: 'Confusion matrix' });
    await expect(matrix.getByRole('columnheader', { name: 'versicolor' })).toBeVisible();
    const counts = (await matrix.getByRole('cell').allTextContents()).map(Number);
    expect(counts).toHaveLength(9);
    // Iris has 150 rows; the template trains on 80 %.
    expect(counts.reduce((a, b) => a + b, 0)).toBe(30);
    expect(await metric(page, 'test-accuracy')).toBeGreaterThan(0.8);
    await page.screenshot({ path: `${SCREENS}/training-iris.png` });
  });

  test('a CSV imported for the worked example trains on its rows; a broken one is refused with its row and column', async ({ page }) => {
    await openApp(page);
    await openTemplate(page, /Worked example/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    const file = dock(page).getByLabel('Import CSV file');

    await file.setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('x1,x2,y\n1,2,1\n0.5,n/a,0\n') });
    await dock(page).getByRole('button', { name: 'Use this data' }).click();
    const problems = dock(page).getByRole('list', { name: 'CSV problems' });
    await expect(problems).toContainText('row 3');
    await expect(problems).toContainText('column “x2”');

    const rows = Array.from({ length: 20 }, (_, i) => `${(i % 5) / 4},${(i % 4) / 3},${i % 2}`);
    await file.setInputFiles({ name: 'twenty.csv', mimeType: 'text/csv', buffer: Buffer.from(`x1,x2,y\n${rows.join('\n')}\n`) });
    await expect(dock(page).getByRole('combobox', { name: 'Target column' })).toHaveValue('y');
    await dock(page).getByRole('button', { name: 'Use this data' }).click();
    await expect(dock(page).getByRole('combobox', { name: 'Data set' })).toHaveValue('csv');
    await expect(dock(page).getByText(/16 train · 4 test/)).toBeVisible({ timeout: 20_000 });
    await toolbar(page).getByRole('button', { name: 'Step epoch', exact: true }).click();
    // 16 rows in batches of 1.
    await expect(page.getByTestId('live-step')).toHaveText('step 16');
  });

  test('one Step takes one batch; Step epoch finishes the epoch; Reset goes back to step 0; the learning rate changes while running', async ({ page }) => {
    await openApp(page);
    await openTemplate(page, /XOR/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await toolbar(page).getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page.getByTestId('live-step')).toHaveText('step 1');
    await toolbar(page).getByRole('button', { name: 'Step epoch', exact: true }).click();
    // XOR: 320 training points in batches of 10 → 32 steps per epoch.
    await expect(page.getByTestId('live-epoch')).toHaveText('epoch 1');
    await expect(page.getByTestId('live-step')).toHaveText('step 32');
    await toolbar(page).getByRole('button', { name: 'Reset', exact: true }).click();
    await expect(page.getByTestId('live-step')).toHaveText('step 0');

    // A learning rate that is not a number is refused with the reason; the trainer keeps the old one.
    const lr = toolbar(page).getByRole('textbox', { name: 'Learning rate' });
    await lr.fill('fast');
    await lr.press('Enter');
    await expect(lr).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('notice')).toHaveText('Learning rate: "fast" is not a number.');
    await toolbar(page).getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page.getByTestId('live-step')).toHaveText('step 1');
    await expect(page.getByTestId('live-lr')).toHaveText('lr 0.03');

    // The learning rate changes while training runs, without stopping it.
    await toolbar(page).getByRole('button', { name: 'Play', exact: true }).click();
    await expect(page.getByTestId('live-rate')).not.toHaveText('0 steps/s', { timeout: 20_000 });
    await setLearningRate(page, '0.1');
    await expect(page.getByTestId('live-lr')).toHaveText('lr 0.1');
    await expect(toolbar(page).getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
    await expect(page.getByTestId('live-rate')).not.toHaveText('0 steps/s');
    await toolbar(page).getByRole('button', { name: 'Pause', exact: true }).click();
  });

  test('while training runs, a neuron\'s bias label and the inspector show the trainer\'s values, not the document\'s', async ({ page }) => {
    await openApp(page);
    await openTemplate(page, /XOR/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    const bias = node(page, 'h1').getByTestId('neuron-bias');
    await expect(bias).toHaveText('b 0');
    await toolbar(page).getByRole('button', { name: 'Play', exact: true }).click();
    await expect(bias).not.toHaveText('b 0', { timeout: 20_000 });
    await expect(dock(page).getByText('training', { exact: true })).toBeVisible();

    // The inspector says where training has the selected weight now, and takes it on pause.
    await clickEdge(page, 'x', 'h1');
    const note = inspector(page).getByTestId('live-weight');
    await expect(note).toContainText(/Training has it at -?\d/);
    await toolbar(page).getByRole('button', { name: 'Pause', exact: true }).click();
    await expect(note).toHaveCount(0);
    const weight = inspector(page).getByRole('textbox', { name: 'Weight', exact: true });
    await expect(weight).toHaveValue(/^-?\d/);
  });

  test('a learning rate of 1e6 on XOR ends in the divergence message, and the weights stay finite', async ({ page }) => {
    await openApp(page);
    await openTemplate(page, /XOR/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await setLearningRate(page, '1e6');
    await toolbar(page).getByRole('button', { name: 'Play', exact: true }).click();

    const message = dock(page).getByLabel('Divergence');
    await expect(message).toBeVisible({ timeout: 30_000 });
    await expect(message).toContainText(/Training diverged at step \d+/);
    // Not a tenth of the rate that exploded: the template's own rate, which trains (issue 10, item 6).
    await expect(message).toContainText('The learning rate 1000000 is too high; try 0.03.');
    await expect(toolbar(page).getByRole('button', { name: 'Play', exact: true })).toBeVisible();
    // The loss shown is that of the last good weights: a number, not NaN or Infinity.
    expect(Number.isFinite(await metric(page, 'train-loss'))).toBe(true);
    // The document holds those weights: the inspector shows a finite weight on x → h1.
    await clickEdge(page, 'x', 'h1');
    const weight = inspector(page).getByRole('textbox', { name: 'Weight', exact: true });
    await expect(weight).toHaveValue(/^-?\d/);
    expect(Number.isFinite(Number(await weight.inputValue()))).toBe(true);
    await page.screenshot({ path: `${SCREENS}/training-diverged.png` });

    await message.getByRole('button', { name: 'Lower learning rate to 0.03' }).click();
    await expect(toolbar(page).getByRole('textbox', { name: 'Learning rate' })).toHaveValue('0.03');
    // The dock shows the new rate at once, not the one that exploded.
    await expect(page.getByTestId('live-lr')).toHaveText('lr 0.03');
  });

  test('when the trainer crashes, the banner says so, the graph stays editable, and Restart loads the document again', async ({ page }) => {
    await openApp(page);
    await openTemplate(page, /XOR/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await toolbar(page).getByRole('button', { name: 'Step epoch', exact: true }).click();
    await expect(page.getByTestId('live-epoch')).toHaveText('epoch 1');

    const worker = await trainerWorker(page);
    await worker.evaluate(() => {
      setTimeout(() => {
        throw new Error('simulated trainer crash');
      });
    });
    const banner = page.getByRole('alert');
    await expect(banner).toContainText('The trainer stopped.');
    await expect(toolbar(page).getByRole('button', { name: 'Play', exact: true })).toBeDisabled();
    // Still editable: change the learning rate and select a node.
    await setLearningRate(page, '0.05');

    await banner.getByRole('button', { name: 'Restart' }).click();
    await expect(banner).toHaveCount(0);
    // The new trainer has the document (with the weights trained so far): it starts again at step 0, ready to train.
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await expect(toolbar(page).getByRole('button', { name: 'Play', exact: true })).toBeEnabled();
    await toolbar(page).getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page.getByTestId('live-step')).toHaveText('step 1');
    await expect(page.getByTestId('live-lr')).toHaveText('lr 0.05');
  });
});
