/**
 * A learner walks through every shipped lesson, as a person would: typing answers, clicking connections, opening
 * explain mode, pressing Step. Each check turns green only after the right action; a second run of each lesson does
 * the wrong thing and sees the check stay red. The expected numbers come from the core, not from this file.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { explainStep } from '../../src/core/explain';
import { findTemplate } from '../../src/core/templates';
import { expect, openApp, test } from './fixtures';
import { canvas, clickEdge, edgeBetween, inspector, node, nodeIds, selectNode, setField, settledBox } from './editor';

/** The lesson files on disk (shipped.ts bundles every one of them; the app's Learn menu lists what it bundled). */
const LESSON_FILES = readdirSync(join(import.meta.dirname, '../../examples/lessons')).filter((f) => f.endsWith('.nwlesson'));

/** The lessons this file walks, right and wrong, by title: every describe below registers its own. */
const WALKED = new Set<string>();
function walk(title: string, body: () => void): void {
  WALKED.add(title);
  test.describe(`lesson ${title}`, body);
}

/** The core's numbers for the worked example (explain mode's, as the checks use). */
const core = (() => {
  const r = explainStep(findTemplate('worked-example')!.build(), [1, 2], [1], 0.1);
  if (!r.ok) throw new Error(r.message);
  const s = r.step;
  const weight = (edge: string) => s.backward.find((b) => b.kind === 'weight' && b.edgeId === edge) as { grad: number };
  const update = (edge: string) => s.update.find((u) => u.kind === 'weight' && u.edgeId === edge) as { new: number };
  return { loss: s.loss.value, gradE5: weight('e5').grad, newE5: update('e5').new, h1z: s.forward.find((f) => f.nodeId === 'h1')!.z, h2a: s.forward.find((f) => f.nodeId === 'h2')!.a, outZ: s.forward.find((f) => f.nodeId === 'out')!.z };
})();

const panel = (page: Page) => page.getByRole('complementary', { name: 'Lesson' });
const checkOf = (page: Page): Locator => panel(page).getByTestId('lesson-check');

async function expectGreen(page: Page): Promise<void> {
  await expect(checkOf(page)).toHaveAttribute('data-state', 'pass');
  await expect(checkOf(page)).toHaveText('Done');
}

async function expectRed(page: Page): Promise<void> {
  await expect(checkOf(page)).toHaveAttribute('data-state', 'fail');
  await expect(checkOf(page)).toContainText('Not yet');
}

/** Start a lesson from the start screen (the first lesson) or the Learn menu (the others). */
async function startLesson(page: Page, title: string, from: 'start' | 'menu', template: 'worked-example' | 'other' = 'worked-example'): Promise<void> {
  if (from === 'start') await page.getByRole('group', { name: 'Lessons' }).getByRole('button', { name: title }).click();
  else {
    await page.getByRole('button', { name: 'Learn', exact: true }).click();
    await page.getByRole('menu', { name: 'Learn' }).getByRole('menuitem', { name: new RegExp(`^${title.replace('.', '\\.')}`) }).click();
  }
  await expect(panel(page).getByRole('heading', { name: title })).toBeVisible();
  // The worked example is on the canvas and the trainer has it.
  if (template === 'worked-example') await expect(node(page, 'out').getByTestId('node-output')).toHaveText('a = 0.4502');
}

async function next(page: Page): Promise<void> {
  await panel(page).getByRole('button', { name: /^Next/ }).click();
}

async function answer(page: Page, label: string, value: string): Promise<void> {
  await panel(page).getByRole('textbox', { name: label }).fill(value);
}

const fixed = (v: number, digits = 4) => v.toFixed(digits);

test('every lesson the app ships (its Learn menu, from shipped.ts) is walked by this file, and none is dropped', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Learn', exact: true }).click();
  const titles = await page.getByRole('menu', { name: 'Learn' }).locator('.learn-menu-title').allTextContents();
  // shipped.ts leaves out a file that does not parse: the menu must list one lesson per file.
  expect(titles).toHaveLength(LESSON_FILES.length);
  for (const title of titles) expect([...WALKED], `lesson "${title}" is shipped but not walked here`).toContain(title);
});

walk('1. A neuron', () => {
  test('right: one weight changed, the output passes 0.6, the check turns green', async ({ page, problems }) => {
    await openApp(page);
    await startLesson(page, '1. A neuron', 'start');
    await next(page);
    await expectRed(page);
    await clickEdge(page, 'h2', 'out');
    await setField(page, 'Weight', '0');
    await expect(node(page, 'out').getByTestId('node-output')).not.toHaveText('a = 0.4502');
    await expectGreen(page);
    expect(problems.pageErrors).toEqual([]);
  });

  test('wrong: a bias changed, or a weight not far enough, stays red', async ({ page }) => {
    await openApp(page);
    await startLesson(page, '1. A neuron', 'start');
    await next(page);
    // The bias lifts the output above 0.6, but it is not a weight.
    await selectNode(page, 'out');
    await setField(page, 'Bias', '2');
    await expect(node(page, 'out').getByTestId('node-output')).toHaveText(/a = 0\.[6-9]/);
    await expectRed(page);
    await expect(checkOf(page)).toContainText('1 bias');
    await setField(page, 'Bias', '0.5');
    await expect(node(page, 'out').getByTestId('node-output')).toHaveText('a = 0.4502');
    // One weight, but the output stays under 0.6.
    await clickEdge(page, 'h2', 'out');
    await setField(page, 'Weight', '-0.5');
    await expect(node(page, 'out').getByTestId('node-output')).toHaveText('a = 0.5622');
    await expectRed(page);
    await expect(panel(page).getByRole('button', { name: 'Finish' })).toBeDisabled();
  });
});

walk('2. The forward pass', () => {
  test('right: z of h1, then h2 predicted before it is revealed, then z of out', async ({ page }) => {
    await openApp(page);
    await startLesson(page, '2. The forward pass', 'menu');
    await expectRed(page);
    await answer(page, 'z of h1', fixed(core.h1z, 2));
    await expectGreen(page);
    await next(page);
    await expect(node(page, 'h2').getByTestId('node-output')).toBeHidden();
    await expectRed(page);
    await answer(page, 'a of h2', fixed(core.h2a, 2));
    await expectGreen(page);
    await expect(node(page, 'h2').getByTestId('node-output')).toBeVisible();
    await next(page);
    await answer(page, 'z of out', fixed(core.outZ, 2));
    await expectGreen(page);
  });

  test('wrong: answers that are off stay red and h2 stays hidden', async ({ page }) => {
    await openApp(page);
    await startLesson(page, '2. The forward pass', 'menu');
    await answer(page, 'z of h1', '0.8');
    await expect(checkOf(page)).toContainText('your answer 0.8 is not it yet');
    await expectRed(page);
    await panel(page).getByRole('button', { name: /^Step 2/ }).click();
    await answer(page, 'a of h2', '1.1');
    await expect(checkOf(page)).toContainText('your answer 1.1 is not');
    await expectRed(page);
    await expect(node(page, 'h2').getByTestId('node-output')).toBeHidden();
    await panel(page).getByRole('button', { name: /^Step 3/ }).click();
    await answer(page, 'z of out', '0.2');
    await expect(checkOf(page)).toContainText('your answer 0.2 is not');
    await expectRed(page);
  });
});

walk('3. Loss', () => {
  test('right: the target 1 and the loss 0.302', async ({ page }) => {
    await openApp(page);
    await startLesson(page, '3. Loss', 'menu');
    await answer(page, 'target y', '1.0');
    await expectGreen(page);
    await next(page);
    await expectRed(page);
    await answer(page, 'loss L', fixed(core.loss, 3));
    expect(fixed(core.loss, 3)).toBe('0.302');
    await expectGreen(page);
  });

  test('wrong: target 0 and the unsquared error stay red', async ({ page }) => {
    await openApp(page);
    await startLesson(page, '3. Loss', 'menu');
    await answer(page, 'target y', '0');
    await expect(checkOf(page)).toContainText('your answer 0 is not it yet');
    await expectRed(page);
    await panel(page).getByRole('button', { name: /^Step 2/ }).click();
    await answer(page, 'loss L', '0.55');
    await expect(checkOf(page)).toContainText('your answer 0.55 is not it yet');
    await expectRed(page);
  });
});

walk('4. The gradient', () => {
  test('right: open explain mode, select the weight with the largest gradient', async ({ page }) => {
    await openApp(page);
    await startLesson(page, '4. The gradient', 'menu');
    await expectRed(page);
    await page.getByRole('button', { name: 'Explain', exact: true }).click();
    await expect(page.getByRole('region', { name: 'Explain mode' })).toBeVisible();
    await expectGreen(page);
    await next(page);
    await page.getByRole('button', { name: 'Close explain mode' }).click();
    await expectRed(page);
    await clickEdge(page, 'x2', 'h1');
    await expect(inspector(page).getByText('Connection')).toBeVisible();
    await expectGreen(page);
  });

  test('wrong: the legend instead of Explain, then a weight with a small gradient, stay red', async ({ page }) => {
    await openApp(page);
    await startLesson(page, '4. The gradient', 'menu');
    await page.getByRole('checkbox', { name: 'Gradient pulses' }).click();
    await expect(checkOf(page)).toContainText('explain mode is closed');
    await expectRed(page);
    await panel(page).getByRole('button', { name: /^Step 2/ }).click();
    await clickEdge(page, 'h1', 'out');
    await expect(inspector(page).getByText('Connection')).toBeVisible();
    await expect(checkOf(page)).toContainText('larger gradient');
    await expectRed(page);
  });
});

walk('5. One step by hand', () => {
  test('right: the gradient, the new weight as the core computes it, then Step moves the output toward 1', async ({ page }) => {
    await openApp(page);
    await startLesson(page, '5. One step by hand', 'menu');
    await answer(page, '∂L/∂w (h1 → out)', fixed(core.gradE5));
    await expectGreen(page);
    await next(page);
    await answer(page, 'new w (h1 → out)', fixed(core.newE5));
    expect(fixed(core.newE5)).toBe('1.0054');
    await expectGreen(page);
    await next(page);
    await expectRed(page);
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(node(page, 'out').getByTestId('node-output')).not.toHaveText('a = 0.4502');
    await expectGreen(page);
  });

  test('wrong: the sign flipped, and a weight typed by hand instead of a step, stay red', async ({ page }) => {
    await openApp(page);
    await startLesson(page, '5. One step by hand', 'menu');
    await answer(page, '∂L/∂w (h1 → out)', fixed(-core.gradE5));
    await expect(checkOf(page)).toContainText('your answer 0.0544 is not it yet');
    await expectRed(page);
    await panel(page).getByRole('button', { name: /^Step 2/ }).click();
    await answer(page, 'new w (h1 → out)', fixed(1 - (core.newE5 - 1)));
    await expect(checkOf(page)).toContainText('your answer 0.9946 is not it yet');
    await expectRed(page);
    await panel(page).getByRole('button', { name: /^Step 3/ }).click();
    await clickEdge(page, 'h1', 'out');
    await setField(page, 'Weight', '1.2');
    await expect(node(page, 'out').getByTestId('node-output')).not.toHaveText('a = 0.4502');
    await expect(checkOf(page)).toContainText("the trainer's step count is 0; the step needs ≥ 1");
    await expectRed(page);
  });
});

const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Main toolbar' });

walk('8. Parameters and memory', () => {
  async function quantizedBytes(page: Page): Promise<string> {
    await page.getByRole('button', { name: 'Learn', exact: true }).click();
    await page.getByRole('menuitem', { name: /Quantize the trained network/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Quantize' });
    const text = (await dialog.getByTestId('memory-after').textContent())!.replace(' B', '');
    await dialog.getByRole('button', { name: 'Close quantize' }).click();
    return text;
  }

  test('right: 9 parameters, 70 GB, and the int8 size read from the Quantize dialog', async ({ page }) => {
    await openApp(page);
    await startLesson(page, '8. Parameters and memory', 'menu');
    await answer(page, 'parameters', '9');
    await expectGreen(page);
    await next(page);
    await answer(page, 'GB at int8', '70');
    await expectGreen(page);
    await next(page);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await toolbar(page).getByRole('button', { name: 'Step epoch', exact: true }).click();
    await expect(page.getByTestId('live-step')).toHaveText('step 32');
    await expectRed(page);
    await answer(page, 'int8 bytes', await quantizedBytes(page));
    await expectGreen(page);
  });

  test('wrong: 6 parameters, the fp32 size, and the fp32 bytes stay red', async ({ page }) => {
    await openApp(page);
    await startLesson(page, '8. Parameters and memory', 'menu');
    await answer(page, 'parameters', '6');
    await expect(checkOf(page)).toContainText('your answer 6 is not it yet');
    await expectRed(page);
    await panel(page).getByRole('button', { name: /^Step 2/ }).click();
    await answer(page, 'GB at int8', '280');
    await expect(checkOf(page)).toContainText('your answer 280 is not it yet');
    await expectRed(page);
    await panel(page).getByRole('button', { name: /^Step 3/ }).click();
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await answer(page, 'int8 bytes', '68');
    await expect(checkOf(page)).toContainText('your answer 68 is not it yet');
    await expectRed(page);
  });
});

/** Type a learning rate in the toolbar and wait until the trainer reports it. */
async function setRate(page: Page, rate: string): Promise<void> {
  const lr = toolbar(page).getByRole('textbox', { name: 'Learning rate' });
  await lr.fill(rate);
  await lr.press('Enter');
  await expect(page.getByTestId('live-lr')).toHaveText(`lr ${rate}`);
}

const play = (page: Page) => toolbar(page).getByRole('button', { name: 'Play', exact: true }).click();
const pause = (page: Page) => toolbar(page).getByRole('button', { name: 'Pause', exact: true }).click();
const divergence = (page: Page) => page.getByLabel('Divergence');
/** The trainer's epoch count as the dock shows it. */
async function epochNow(page: Page): Promise<number> {
  return Number((await page.getByTestId('live-epoch').textContent())!.replace(/\D/g, ''));
}
async function untilEpoch(page: Page, n: number): Promise<void> {
  await expect.poll(() => epochNow(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(n);
}

walk('6. Training is repetition', () => {
  test('right: Play at watch pace until an epoch goes by; lr 1 diverges; lr 0.03, Reset, Play: the loss falls', async ({ page, problems }) => {
    await openApp(page);
    await startLesson(page, '6. Training is repetition', 'menu', 'other');
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await expect(toolbar(page).getByRole('combobox', { name: 'Pace' })).toHaveValue('watch');
    await expectRed(page);
    await play(page);
    await untilEpoch(page, 1);
    await expectGreen(page);
    await next(page);
    await expectRed(page);
    await setRate(page, '1');
    await expect(divergence(page)).toBeVisible({ timeout: 20_000 });
    await expectGreen(page);
    await next(page);
    await expectRed(page);
    await setRate(page, '0.03');
    await toolbar(page).getByRole('button', { name: 'Reset', exact: true }).click();
    await expect(page.getByTestId('live-step')).toHaveText('step 0');
    await expectRed(page);
    await play(page);
    await expect(checkOf(page)).toHaveAttribute('data-state', 'pass', { timeout: 30_000 });
    await expectGreen(page);
    await pause(page);
    expect(problems.pageErrors).toEqual([]);
  });

  test('wrong: one batch is not an epoch; 0.04 does not diverge; Play again at the diverging rate stays red', async ({ page }) => {
    await openApp(page);
    await startLesson(page, '6. Training is repetition', 'menu', 'other');
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await toolbar(page).getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page.getByTestId('live-step')).toHaveText('step 1');
    await expect(checkOf(page)).toContainText('the epoch is 0; the step needs ≥ 1');
    await expectRed(page);
    await panel(page).getByRole('button', { name: /^Step 2/ }).click();
    await setRate(page, '0.04');
    await toolbar(page).getByRole('button', { name: 'Step epoch', exact: true }).click();
    await expect(page.getByTestId('live-step')).toHaveText('step 32');
    await toolbar(page).getByRole('button', { name: 'Step epoch', exact: true }).click();
    await expect(page.getByTestId('live-step')).toHaveText('step 64');
    await expect(divergence(page)).toHaveCount(0);
    await expect(checkOf(page)).toContainText('the number of divergences is 0');
    await expectRed(page);
    await panel(page).getByRole('button', { name: /^Step 3/ }).click();
    await setRate(page, '1');
    await play(page);
    await expect(divergence(page)).toBeVisible({ timeout: 20_000 });
    await expect(checkOf(page)).toContainText('the learning rate is 1; the step needs ≤ 0.05');
    await expectRed(page);
  });
});

walk('7. Why hidden layers', () => {
  /** Drop a Dense layer from the palette onto the connection from the inputs into `out`. */
  async function insertDense(page: Page): Promise<string> {
    const id = await edgeBetween(page, 'xy', 'out').getAttribute('data-id');
    const label = await settledBox(page, canvas(page).locator(`.nw-edge-label[data-edge-id="${id}"]`));
    const box = (await canvas(page).boundingBox())!;
    const before = await nodeIds(page);
    const item = page.getByRole('complementary', { name: 'Node palette' }).getByText('Dense layer', { exact: true });
    await item.dragTo(canvas(page), { targetPosition: { x: label.x - box.x + label.width / 2, y: label.y - box.y + label.height / 2 } });
    await expect.poll(async () => (await nodeIds(page)).length).toBe(before.length + 1);
    const dense = (await nodeIds(page)).find((n) => !before.includes(n))!;
    await expect(edgeBetween(page, 'xy', dense)).toHaveCount(1);
    await expect(edgeBetween(page, dense, 'out')).toHaveCount(1);
    return dense;
  }

  test('right: one neuron trains to a plateau; a Dense layer dropped in between learns XOR', async ({ page }) => {
    await openApp(page);
    await startLesson(page, '7. Why hidden layers', 'menu', 'other');
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await expectRed(page);
    await toolbar(page).getByRole('combobox', { name: 'Pace' }).selectOption('fast');
    await play(page);
    await expect(checkOf(page)).toHaveAttribute('data-state', 'pass', { timeout: 30_000 });
    await expectGreen(page);
    expect(await epochNow(page)).toBeGreaterThanOrEqual(10);
    await pause(page);
    await next(page);
    await expectRed(page);
    await insertDense(page);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await expectRed(page);
    await play(page);
    await expect(checkOf(page)).toHaveAttribute('data-state', 'pass', { timeout: 30_000 });
    await expectGreen(page);
    await pause(page);
  });

  test('wrong: three epochs are no plateau; a linear hidden layer trains but never reaches 95 %', async ({ page }) => {
    await openApp(page);
    await startLesson(page, '7. Why hidden layers', 'menu', 'other');
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    for (const step of ['step 32', 'step 64', 'step 96']) {
      await toolbar(page).getByRole('button', { name: 'Step epoch', exact: true }).click();
      await expect(page.getByTestId('live-step')).toHaveText(step);
    }
    await expect(checkOf(page)).toContainText('3 of 10 epochs trained so far');
    await expectRed(page);
    await panel(page).getByRole('button', { name: /^Step 2/ }).click();
    const dense = await insertDense(page);
    await selectNode(page, dense);
    await inspector(page).getByLabel('Activation').selectOption('linear');
    await expect(node(page, dense)).toContainText('linear');
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await toolbar(page).getByRole('combobox', { name: 'Pace' }).selectOption('fast');
    await play(page);
    await untilEpoch(page, 15);
    await pause(page);
    await expect(checkOf(page)).toContainText('the accuracy is');
    await expectRed(page);
  });
});

walk('9. Confident is not correct', () => {
  const dialog = (page: Page) => page.getByRole('dialog', { name: 'Calibration' });
  const wrongList = (page: Page) => dialog(page).getByRole('list', { name: 'Confidently wrong examples' }).getByRole('button');
  async function openFromDock(page: Page): Promise<void> {
    await page.getByRole('region', { name: 'Training' }).getByRole('button', { name: 'Calibration…' }).click();
    await expect(dialog(page).getByRole('img', { name: 'Reliability diagram' })).toBeVisible();
  }
  const closeDialog = (page: Page) => dialog(page).getByRole('button', { name: 'Close calibration' }).click();
  async function trainEpochs(page: Page): Promise<void> {
    for (const step of ['step 40', 'step 80']) {
      await toolbar(page).getByRole('button', { name: 'Step epoch', exact: true }).click();
      await expect(page.getByTestId('live-step')).toHaveText(step);
    }
  }

  test('right: two epochs and the dock\'s Calibration; the ECE typed; the most confidently wrong example selected', async ({ page, problems }) => {
    await openApp(page);
    await startLesson(page, '9. Confident is not correct', 'menu', 'other');
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await trainEpochs(page);
    await expect(checkOf(page)).toContainText('open the calibration view');
    await expectRed(page);
    await openFromDock(page);
    const ece = (await dialog(page).getByTestId('calibration-ece').textContent())!;
    // The counts per bin add up to the test rows the dialog names.
    const counts = await dialog(page).getByTestId('calibration-bin').evaluateAll((bins) => bins.map((b) => Number(b.getAttribute('data-count'))));
    expect(counts).toHaveLength(10);
    await expect(dialog(page)).toContainText(`The ${counts.reduce((a, b) => a + b, 0)} test examples`);
    await closeDialog(page);
    await expectGreen(page);
    await next(page);
    await expectRed(page);
    await answer(page, 'ECE', ece);
    await expectGreen(page);
    await next(page);
    await expectRed(page);
    await page.getByRole('button', { name: 'Learn', exact: true }).click();
    await page.getByRole('menuitem', { name: /Calibration/ }).click();
    await wrongList(page).first().click();
    await expect(wrongList(page).first()).toHaveAttribute('aria-pressed', 'true');
    await closeDialog(page);
    await expectGreen(page);
    expect(problems.pageErrors).toEqual([]);
  });

  test('wrong: opened before training, the accuracy typed for the ECE, the second example selected: red', async ({ page }) => {
    await openApp(page);
    await startLesson(page, '9. Confident is not correct', 'menu', 'other');
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await openFromDock(page);
    await closeDialog(page);
    await expect(checkOf(page)).toContainText('the epoch is 0; the step needs ≥ 2');
    await expectRed(page);
    await trainEpochs(page);
    await panel(page).getByRole('button', { name: /^Step 2/ }).click();
    await openFromDock(page);
    const accuracy = Number((await dialog(page).getByTestId('calibration-accuracy').textContent())!.replace(' %', '')) / 100;
    await closeDialog(page);
    await answer(page, 'ECE', accuracy.toFixed(3));
    await expect(checkOf(page)).toContainText(`your answer ${Number(accuracy.toFixed(3))} is not it yet`);
    await expectRed(page);
    await panel(page).getByRole('button', { name: /^Step 3/ }).click();
    await openFromDock(page);
    await wrongList(page).nth(1).click();
    await expect(wrongList(page).nth(1)).toHaveAttribute('aria-pressed', 'true');
    await closeDialog(page);
    await expect(checkOf(page)).toContainText('more confident about another wrong example');
    await expectRed(page);
  });
});

walk('10. Deeper is not always better', () => {
  async function keepRun(page: Page): Promise<void> {
    await page.getByRole('button', { name: 'Learn', exact: true }).click();
    await page.getByRole('menuitem', { name: /Compare runs/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Compare runs' });
    const rows = dialog.getByRole('table', { name: 'Runs' }).locator('tbody tr');
    const before = await rows.count();
    await dialog.getByRole('button', { name: 'Keep this run' }).click();
    await expect(rows).toHaveCount(before + 1);
    await dialog.getByRole('button', { name: 'Close runs' }).click();
  }

  async function trainEpoch(page: Page, step: string): Promise<void> {
    await toolbar(page).getByRole('button', { name: 'Step epoch', exact: true }).click();
    await expect(page.getByTestId('live-step')).toHaveText(step);
  }

  test('right: a run of the spiral net, a smaller net, a second run: green', async ({ page }) => {
    await openApp(page);
    await startLesson(page, '10. Deeper is not always better', 'menu', 'other');
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await trainEpoch(page, 'step 40');
    await keepRun(page);
    await expectRed(page);
    await selectNode(page, 'hidden2');
    await setField(page, 'Units', '4');
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await trainEpoch(page, 'step 40');
    await keepRun(page);
    await expectGreen(page);
  });

  test('wrong: two runs of the same network stay red', async ({ page }) => {
    await openApp(page);
    await startLesson(page, '10. Deeper is not always better', 'menu', 'other');
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await trainEpoch(page, 'step 40');
    await keepRun(page);
    await toolbar(page).getByRole('button', { name: 'Reset', exact: true }).click();
    await expect(page.getByTestId('live-step')).toHaveText('step 0');
    await trainEpoch(page, 'step 40');
    await keepRun(page);
    await expect(checkOf(page)).toContainText('1 runs of networks of different sizes kept; the step needs 2');
    await expectRed(page);
  });
});

test('show me performs each step of every lesson', async ({ page }) => {
  await openApp(page);
  for (const title of ['1. A neuron', '2. The forward pass', '3. Loss', '4. The gradient', '5. One step by hand']) {
    await startLesson(page, title, 'menu');
    const steps = await panel(page).getByRole('list', { name: 'Steps' }).getByRole('button').count();
    for (let i = 0; i < steps; i++) {
      const hasCheck = await checkOf(page).count();
      if (hasCheck) {
        await expectRed(page);
        await panel(page).getByRole('button', { name: 'Show me' }).click();
        await expectGreen(page);
      }
      if (i < steps - 1) await next(page);
    }
    await panel(page).getByRole('button', { name: 'Finish' }).click();
    await expect(panel(page)).toHaveCount(0);
  }
});

test('a teacher\'s lesson file opens; a bad one is refused with where it is wrong', async ({ page }) => {
  await openApp(page);
  const input = page.getByLabel('Lesson file').first();
  const bad = JSON.stringify({ format: 'netwright-lesson', version: 1, id: 't', title: 'Mine', steps: [{ title: 'S', text: 'x', load: { template: 'worked-example' }, check: { compare: { activation: 'h9' }, op: 'gt', value: 0 } }] });
  await input.setInputFiles({ name: 'mine.nwlesson', mimeType: 'application/json', buffer: Buffer.from(bad) });
  await expect(page.getByRole('alert', { name: 'Lesson file problem' })).toContainText('mine.nwlesson could not be opened (at steps[0].check.compare): steps[0].check.compare: there is no node "h9"');
  await expect(panel(page)).toHaveCount(0);
  const good = bad.replace('h9', 'h2');
  await input.setInputFiles({ name: 'mine.nwlesson', mimeType: 'application/json', buffer: Buffer.from(good) });
  await expect(panel(page).getByRole('heading', { name: 'Mine' })).toBeVisible();
  await expectGreen(page);
});

for (const theme of ['light', 'dark'] as const) {
  test(`screenshot of the lesson panel, ${theme} theme`, async ({ page }, testInfo) => {
    await page.emulateMedia({ colorScheme: theme });
    await openApp(page);
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await startLesson(page, '5. One step by hand', 'menu');
    await answer(page, '∂L/∂w (h1 → out)', fixed(core.gradE5));
    await expectGreen(page);
    await next(page);
    await panel(page).getByRole('button', { name: 'Hint' }).click();
    await answer(page, 'new w (h1 → out)', '1.01');
    await expectRed(page);
    const dir = process.env.NETWRIGHT_SCREENS_DIR ?? testInfo.outputDir;
    await page.screenshot({ path: join(dir, `lesson-panel-${theme}.png`) });
  });
}

for (const theme of ['light', 'dark'] as const) {
  test(`screenshots of lessons 6, 7 and 9 and the calibration dialog, ${theme} theme`, async ({ page }, testInfo) => {
    const dir = process.env.NETWRIGHT_SCREENS_DIR ?? testInfo.outputDir;
    await page.emulateMedia({ colorScheme: theme });
    await openApp(page);
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);

    await startLesson(page, '6. Training is repetition', 'menu', 'other');
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await toolbar(page).getByRole('button', { name: 'Step epoch', exact: true }).click();
    await expect(page.getByTestId('live-step')).toHaveText('step 32');
    await expectGreen(page);
    await next(page);
    await panel(page).getByRole('button', { name: 'Hint' }).click();
    await expectRed(page);
    await page.screenshot({ path: join(dir, `lesson6-panel-${theme}.png`) });

    await startLesson(page, '7. Why hidden layers', 'menu', 'other');
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    for (const step of ['step 32', 'step 64', 'step 96']) {
      await toolbar(page).getByRole('button', { name: 'Step epoch', exact: true }).click();
      await expect(page.getByTestId('live-step')).toHaveText(step);
    }
    await expect(checkOf(page)).toContainText('3 of 10 epochs');
    await page.screenshot({ path: join(dir, `lesson7-panel-${theme}.png`) });

    await startLesson(page, '9. Confident is not correct', 'menu', 'other');
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    for (const step of ['step 40', 'step 80']) {
      await toolbar(page).getByRole('button', { name: 'Step epoch', exact: true }).click();
      await expect(page.getByTestId('live-step')).toHaveText(step);
    }
    await page.getByRole('region', { name: 'Training' }).getByRole('button', { name: 'Calibration…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Calibration' });
    await dialog.getByRole('list', { name: 'Confidently wrong examples' }).getByRole('button').first().click();
    await page.screenshot({ path: join(dir, `calibration-dialog-${theme}.png`) });
    await dialog.getByRole('button', { name: 'Close calibration' }).click();
    await expectGreen(page);
    await next(page);
    await answer(page, 'ECE', '0.5');
    await expectRed(page);
    await page.screenshot({ path: join(dir, `lesson9-panel-${theme}.png`) });
  });
}
