/**
 * Watching it learn, as a user sees it in the browser build: edges take their colour from the live weights and change
 * while the spiral trains, gradients pulse backward along the edges, neurons show heatmaps over the plane, a dead ReLU
 * is flagged on its node, and explain mode walks the worked example through the textbook's numbers.
 * Screenshots go to /work/notes/screens/live-*.png.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, openApp, test } from './fixtures';
import { canvas, node, openTemplate, selectNode, setField } from './editor';

const SCREENS = process.env.NETWRIGHT_SCREENS ?? '/work/notes/screens';

function toolbar(page: Page): Locator {
  return page.getByRole('toolbar', { name: 'Main toolbar' });
}

/** Each edge path's stroke colour and width, by edge id. */
async function edgeLooks(page: Page): Promise<Record<string, string>> {
  return canvas(page).locator('.react-flow__edge').evaluateAll((edges) =>
    Object.fromEntries(
      edges.map((e) => {
        const path = e.querySelector<SVGPathElement>('path.nw-edge');
        return [e.getAttribute('data-id') ?? '?', path ? `${path.style.stroke} ${path.style.strokeWidth} ${path.style.opacity}` : ''];
      }),
    ),
  );
}

/** Wait until the view stops moving (explain mode pans to each stage). */
async function settled(page: Page): Promise<void> {
  const viewport = canvas(page).locator('.react-flow__viewport');
  let last = '';
  await expect.poll(async () => {
    const now = (await viewport.getAttribute('style')) ?? '';
    const same = now === last;
    last = now;
    return same;
  }, { intervals: [400] }).toBe(true);
}

async function stopAfter(page: Page, epochs: string): Promise<void> {
  const field = page.getByRole('region', { name: 'Training' }).getByRole('textbox', { name: 'Stop after epochs' });
  await field.fill(epochs);
  await field.press('Enter');
}

test.describe('watching it learn', () => {
  test('spiral: edge colours follow the live weights and change while training; pulses, heatmaps and weight images show', async ({ page, problems }) => {
    test.setTimeout(120_000);
    await openApp(page);
    await openTemplate(page, /Spiral/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    // Live colours from the first snapshot on: every weighted edge has an inline stroke.
    await expect.poll(async () => Object.values(await edgeLooks(page)).filter((l) => l.startsWith('rgb')).length).toBe(4);
    await expect(page.getByTestId('legend-max')).toBeVisible();
    // Neuron heatmaps over the plane inside each Dense node, and the weight block images on the edges.
    await expect(canvas(page).getByTestId('node-heatmap')).toHaveCount(3, { timeout: 10_000 });
    await expect(canvas(page).getByTestId('weight-image')).toHaveCount(4);
    const before = await edgeLooks(page);
    const shotBefore = await canvas(page).screenshot({ path: `${SCREENS}/live-training-before.png` });

    await stopAfter(page, '3');
    await toolbar(page).getByRole('button', { name: 'Play', exact: true }).click();
    await expect(page.getByTestId('live-epoch')).toHaveText('epoch 3', { timeout: 30_000 });
    const after = await edgeLooks(page);
    const changed = Object.keys(before).filter((id) => before[id] !== '' && before[id] !== after[id]);
    expect(changed.length).toBeGreaterThan(0);
    const shotAfter = await canvas(page).screenshot({ path: `${SCREENS}/live-training.png` });
    expect(shotAfter.equals(shotBefore)).toBe(false);
    await page.screenshot({ path: `${SCREENS}/live-training-window.png` });

    // Stopped: nothing trains, so nothing looks like it flows (issue 10, item 7).
    const pulses = page.getByTestId('pulse-layer');
    await expect(pulses).toHaveAttribute('data-pulses', '0');
    // Gradients pulse backward on every weighted edge while it trains; the switch turns them off, and the choice is remembered.
    await stopAfter(page, '');
    await toolbar(page).getByRole('button', { name: 'Play', exact: true }).click();
    await expect(toolbar(page).getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
    await expect(pulses).toHaveAttribute('data-pulses', '4');
    // The layer draws them: its canvas is not blank while they run.
    await expect.poll(() => pulses.evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let ink = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) ink++;
      return ink;
    })).toBeGreaterThan(20);
    // …on the edges: no ink outside the box around the weighted edges' paths (the layer follows the canvas's size).
    const stray = () => pulses.evaluate((c: HTMLCanvasElement) => {
      const origin = c.getBoundingClientRect();
      const boxes = [...document.querySelectorAll('path.nw-edge')].map((p) => p.getBoundingClientRect()).filter((r) => r.width + r.height > 0);
      const x0 = Math.min(...boxes.map((b) => b.left)) - origin.left - 8;
      const x1 = Math.max(...boxes.map((b) => b.right)) - origin.left + 8;
      const y0 = Math.min(...boxes.map((b) => b.top)) - origin.top - 8;
      const y1 = Math.max(...boxes.map((b) => b.bottom)) - origin.top + 8;
      const scale = c.width / c.clientWidth;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let outside = 0;
      for (let i = 3; i < d.length; i += 4) {
        if (d[i]! === 0) continue;
        const x = ((i - 3) / 4) % c.width / scale;
        const y = Math.floor((i - 3) / 4 / c.width) / scale;
        if (x < x0 || x > x1 || y < y0 || y > y1) outside++;
      }
      return { outside, sized: c.height === Math.round(c.clientHeight * devicePixelRatio) };
    });
    expect(await stray()).toEqual({ outside: 0, sized: true });
    const pulse = page.getByRole('checkbox', { name: 'Gradient pulses' });
    await pulse.uncheck();
    await expect(pulses).toHaveAttribute('data-pulses', '0');
    await toolbar(page).getByRole('button', { name: 'Pause', exact: true }).click();
    await page.reload();
    await expect(page.getByRole('checkbox', { name: 'Gradient pulses' })).not.toBeChecked({ timeout: 20_000 });
    await page.evaluate(() => localStorage.removeItem('netwright.pulses'));
    await page.reload();
    // The trained network was kept for recovery (training ran until paused): not wanted here.
    const recover = page.getByRole('dialog', { name: 'Recover unsaved work' });
    await expect(page.getByRole('status')).toHaveText(/Trainer ready/, { timeout: 20_000 });
    if (await recover.count()) await recover.getByRole('button', { name: 'Discard it' }).click();
    await openTemplate(page, /Spiral/);
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await stopAfter(page, '20');
    await toolbar(page).getByRole('button', { name: 'Play', exact: true }).click();
    await expect(page.getByTestId('live-epoch')).toHaveText('epoch 20', { timeout: 60_000 });
    await expect(page.getByTestId('pulse-layer')).toHaveAttribute('data-pulses', '0');
    await page.screenshot({ path: `${SCREENS}/live-training-dark.png` });
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    expect(problems.pageErrors).toEqual([]);
    expect(problems.consoleErrors).toEqual([]);
  });

  test('explain mode walks the worked example through 0.2, 0.9, −0.2 and 0.45, back and forward, and applies the update', async ({ page, problems }) => {
    await openApp(page);
    await openTemplate(page, /Worked example/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await page.getByRole('button', { name: 'Explain' }).click();
    const panel = page.getByRole('region', { name: 'Explain mode' });
    const lines = panel.getByTestId('explain-lines');
    const next = panel.getByRole('button', { name: 'Next step' });

    // Each stage's neuron carries its numbers on the canvas, beside it.
    const note = (id: string) => node(page, id).getByTestId('explain-node-note');
    await expect(panel.getByTestId('explain-title')).toHaveText('Forward · h1');
    await expect(lines).toContainText('z = 0.5·1 + (−0.3)·2 + 0.3 = 0.2');
    await expect(lines).toContainText('a = relu(0.2) = 0.2');
    await expect(note('h1')).toHaveText('z = 0.2  a = 0.2');
    await next.click();
    await expect(lines).toContainText('z = 0.2·1 + 0.4·2 + (−0.1) = 0.9');
    await expect(note('h2')).toHaveText('z = 0.9  a = 0.9');
    await expect(note('h1')).toHaveCount(0);
    await next.click();
    await expect(panel.getByTestId('explain-title')).toHaveText('Forward · out');
    await expect(lines).toContainText('z = 1·0.2 + (−1)·0.9 + 0.5 = −0.2');
    await expect(lines).toContainText('a = sigmoid(−0.2) = 0.450166');
    await expect(note('out')).toHaveText('z = −0.2  a = 0.450166');
    await settled(page);
    await page.screenshot({ path: `${SCREENS}/live-explain-forward.png` });

    await next.click();
    await expect(panel.getByTestId('explain-title')).toHaveText('Loss · mse');
    await expect(lines).toContainText('L = (0.450166 − 1)² = 0.302317');
    await next.click();
    await expect(panel.getByTestId('explain-title')).toHaveText('Backward · out');
    await expect(lines).toContainText('∂L/∂z = ∂L/∂a · sigmoid′(−0.2) = −0.272186');
    await next.click();
    await next.click();
    await expect(panel.getByTestId('explain-title')).toHaveText('Backward · h1');
    // Gradients on the edges: x2→h1 carries ∂L/∂z · x2 = −0.544372.
    await expect(canvas(page).locator('[data-testid="explain-edge-note"][data-edge-id="e2"]')).toHaveText('∂L/∂w = −0.544372');
    await settled(page);
    await page.screenshot({ path: `${SCREENS}/live-explain-backward.png` });
    await panel.getByRole('button', { name: 'Previous step' }).click();
    await expect(panel.getByTestId('explain-title')).toHaveText('Backward · h2');
    await next.click();
    await next.click();
    await expect(panel.getByTestId('explain-title')).toHaveText('Update · one SGD step');
    await expect(lines).toContainText('w(x1→h1): 0.5 → 0.527219');
    await expect(canvas(page).locator('[data-testid="explain-edge-note"][data-edge-id="e1"]')).toHaveText('0.5 → 0.527219');
    await settled(page);
    await page.screenshot({ path: `${SCREENS}/live-explain-update.png` });

    // Apply: the step is taken (the output moves toward the target 1), and it is one undoable edit.
    await panel.getByRole('button', { name: 'Apply update' }).click();
    await expect(panel.getByTestId('explain-title')).toHaveText('Forward · h1');
    await expect(lines).toContainText('z = 0.527219·1');
    await next.click();
    await next.click();
    const output = async () => Number(/a = sigmoid\([^)]*\) = ([\d.]+)/.exec((await lines.textContent()) ?? '')?.[1]);
    await expect.poll(output).toBeGreaterThan(0.450166);
    await expect.poll(output).toBeLessThan(1);
    await page.keyboard.press('Control+z');
    await expect(panel.getByTestId('explain-title')).toHaveText('Forward · h1');
    await expect(lines).toContainText('z = 0.5·1 + (−0.3)·2 + 0.3 = 0.2');
    await page.keyboard.press('Escape');
    await expect(panel).toHaveCount(0);
    expect(problems.pageErrors).toEqual([]);
    expect(problems.consoleErrors).toEqual([]);
  });

  test('a ReLU with bias −100 is flagged as dead on its node', async ({ page, problems }) => {
    await openApp(page);
    await openTemplate(page, /Worked example/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await selectNode(page, 'h2');
    await setField(page, 'Bias', '-100');
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await toolbar(page).getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page.getByTestId('live-step')).toHaveText('step 1', { timeout: 20_000 });
    // A dead unit passes no gradient: the step's pulses run only on x1→h1, x2→h1 and h1→out, none into or out of h2
    // (shown once after the step, then they settle: issue 10, item 7).
    await expect(page.getByTestId('pulse-layer')).toHaveAttribute('data-pulses', '3');
    const badge = node(page, 'h2').getByTestId('diagnostic-badge');
    await expect(badge).toHaveAttribute('data-kind', 'dead');
    await expect(badge).toHaveAttribute('title', /never activates on the data \(dead ReLU\)/);
    await expect(node(page, 'h1').getByTestId('diagnostic-badge')).toHaveCount(0);
    await badge.hover();
    const box = (await node(page, 'h2').boundingBox())!;
    await page.screenshot({ path: `${SCREENS}/live-dead-relu.png`, clip: { x: box.x - 60, y: box.y - 40, width: box.width + 320, height: box.height + 80 } });
    expect(problems.pageErrors).toEqual([]);
    expect(problems.consoleErrors).toEqual([]);
  });
});
