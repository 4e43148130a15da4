/**
 * The training view tells the truth (issue 10): what the dock and canvas show always belongs to the document on the
 * canvas, Play is offered only for a network that can train, and values move while it trains.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, openApp, test } from './fixtures';
import { dragFromPalette, node, openTemplate } from './editor';

const SCREENS = process.env.NETWRIGHT_SCREENS_DIR ?? '/work/notes/screens-truth';

function dock(page: Page): Locator {
  return page.getByRole('region', { name: 'Training' });
}

function toolbar(page: Page): Locator {
  return page.getByRole('toolbar', { name: 'Main toolbar' });
}

function button(page: Page, name: string): Locator {
  return toolbar(page).getByRole('button', { name, exact: true });
}

async function step(page: Page): Promise<number> {
  const text = (await page.getByTestId('live-step').textContent()) ?? '';
  return Number(text.replace(/[^0-9]/g, ''));
}

async function trainXor(page: Page): Promise<void> {
  await openApp(page);
  await openTemplate(page, /XOR/);
  await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
  await button(page, 'Play').click();
  await expect.poll(() => step(page), { timeout: 30_000 }).toBeGreaterThan(200);
  await button(page, 'Pause').click();
  await expect(button(page, 'Play')).toBeVisible();
}

test.describe('the training view tells the truth', () => {
  test('New after training shows nothing of the old run, and Play is disabled on the empty canvas (item 2)', async ({ page }) => {
    await trainXor(page);
    await expect(page.getByTestId('live-epoch')).toBeVisible();
    await button(page, 'New').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Don’t save' }).click();
    await expect(page.locator('.react-flow__node')).toHaveCount(0);
    await expect(page.getByTestId('live-epoch')).toHaveCount(0);
    await expect(page.getByTestId('train-loss')).toHaveCount(0);
    await expect(dock(page).getByLabel('Training progress')).toHaveText('Build or open a network to train it.');
    await expect(button(page, 'Play')).toBeDisabled();
    await expect(page.getByTestId('legend-max')).toHaveCount(0);
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
      await page.screenshot({ path: `${SCREENS}/item02-new-after-training-${theme}.png` });
    }
  });

  test('a stray neuron makes the network invalid: Play is disabled and says why; the old graph does not train (item 5)', async ({ page }) => {
    await openApp(page);
    await openTemplate(page, /XOR/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await dragFromPalette(page, 'Neuron', { x: 200, y: 60 });
    await expect(button(page, 'Play')).toBeDisabled();
    await expect(toolbar(page).locator('.tool', { has: page.getByRole('button', { name: 'Play', exact: true }) })).toHaveAttribute('title', /^Play — Fix the network first: /);
    await expect(page.getByTestId('live-step')).toHaveCount(0);
    await expect(dock(page).getByLabel('Training progress')).toHaveText(/^Fix the network first: /);
  });

  test('neuron values and the prediction move while training runs, not only after Pause (item 4)', async ({ page }) => {
    await openApp(page);
    await openTemplate(page, /Worked example/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    const output = node(page, 'output').getByTestId('node-output');
    const hidden = node(page, 'h1').getByTestId('node-output');
    const before = await output.textContent();
    const hiddenBefore = await hidden.textContent();
    expect(before).toMatch(/prediction\s*0\.45/);
    await button(page, 'Play').click();
    await expect.poll(() => step(page), { timeout: 30_000 }).toBeGreaterThan(300);
    await expect.poll(() => hidden.textContent(), { timeout: 10_000 }).not.toBe(hiddenBefore);
    await expect(button(page, 'Pause')).toBeVisible();
    await expect.poll(() => output.textContent(), { timeout: 10_000 }).not.toBe(before);
    // Still running: the value moved during training.
    await expect(button(page, 'Pause')).toBeVisible();
    await button(page, 'Pause').click();
  });

  test('the Templates menu is seen whole and on top, unscrolled, with the mouse and the keyboard (item 1)', async ({ page }) => {
    await openApp(page);
    await page.getByRole('button', { name: 'Empty canvas' }).click();
    const header = page.getByRole('toolbar', { name: 'Main toolbar' });
    await button(page, 'Templates').click();
    const menu = page.getByRole('menu', { name: 'Templates' });
    const items = menu.getByRole('menuitem');
    await expect(items).toHaveCount(7); // five learning templates and the two digits ones
    // Each item is itself what is under its centre: not clipped, not covered, no scrolling needed.
    const onTop = () =>
      items.evaluateAll((els) =>
        els.map((el) => {
          const r = el.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return r.height > 20 && hit !== null && el.contains(hit);
        }),
      );
    expect(await onTop()).toEqual(Array.from({ length: 7 }, () => true));
    expect(await header.evaluate((h) => h.scrollLeft)).toBe(0);
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
      await page.screenshot({ path: `${SCREENS}/item01-templates-menu-${theme}.png` });
    }
    // The keyboard: focus goes through the items, the toolbar does not scroll its buttons away.
    await items.last().focus();
    await page.keyboard.press('Shift+Tab');
    expect(await header.evaluate((h) => h.scrollLeft)).toBe(0);
    expect(await onTop()).toEqual(Array.from({ length: 7 }, () => true));
    await expect(button(page, 'New')).toBeInViewport();
    await page.keyboard.press('Escape');
    await expect(menu).toHaveCount(0);
  });

  test('a pace control: XOR opens at "watch" (about a step a frame), "max" trains flat out (item 12)', async ({ page }) => {
    await openApp(page);
    await openTemplate(page, /XOR/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    const pace = toolbar(page).getByRole('combobox', { name: 'Pace' });
    await expect(pace).toHaveValue('watch');
    await button(page, 'Play').click();
    const rate = async () => Number(((await page.getByTestId('live-rate').textContent()) ?? '').replace(/[^0-9]/g, ''));
    await expect.poll(rate, { timeout: 10_000 }).toBeGreaterThan(0);
    // The trainer's own measured rate: about 60 steps a second.
    expect(await rate()).toBeLessThanOrEqual(75);
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
      await page.screenshot({ path: `${SCREENS}/item12-pace-watch-${theme}.png` });
    }
    await pace.selectOption('max');
    await expect.poll(rate, { timeout: 10_000 }).toBeGreaterThan(500);
    await button(page, 'Pause').click();
  });

  test('a steady weight colour scale: fixed ±1 by default, a clamp the user types, or relative (item 13)', async ({ page }) => {
    await openApp(page);
    await openTemplate(page, /Spiral/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await button(page, 'Play').click();
    await expect.poll(() => step(page), { timeout: 30_000 }).toBeGreaterThan(2_000);
    await button(page, 'Pause').click();
    await expect(page.getByTestId('legend-max')).toHaveText('1');
    await expect(page.getByTestId('legend-min')).toHaveText('−1');
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
      await page.screenshot({ path: `${SCREENS}/item13-weight-scale-fixed-${theme}.png` });
    }
    const clamp = page.getByRole('textbox', { name: 'Weight colour clamp' });
    await clamp.fill('2.5');
    await clamp.press('Enter');
    await expect(page.getByTestId('legend-max')).toHaveText('2.5');
    await page.getByRole('combobox', { name: 'Weight colour scale' }).selectOption('relative');
    // The largest |weight| now, to three significant digits.
    await expect(page.getByTestId('legend-max')).toHaveText(/^\d+(\.\d+)?$/);
    const relative = Number(await page.getByTestId('legend-max').textContent());
    expect(relative).not.toBe(2.5);
    expect(String(relative).replace(/^0\.0*|\./g, '').length).toBeLessThanOrEqual(3);
    await page.screenshot({ path: `${SCREENS}/item13-weight-scale-relative-dark.png` });
    await page.getByRole('combobox', { name: 'Weight colour scale' }).selectOption('fixed');
  });

  test('readable at a glance: dark chart grids, the whole Loss choice, wrapped equations, no minimap on a small canvas (item 14)', async ({ page }) => {
    await openApp(page);
    await openTemplate(page, /Iris/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    const lossChart = dock(page).getByRole('figure', { name: 'Loss' });
    const gridLight = await lossChart.getAttribute('data-grid');
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    const darkBorder = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--border').trim());
    await expect(lossChart).toHaveAttribute('data-grid', darkBorder);
    expect(darkBorder).not.toBe(gridLight);
    // The Loss select shows its whole text, for every loss.
    await node(page, 'species').click();
    const loss = page.getByRole('complementary', { name: 'Inspector' }).getByRole('combobox', { name: 'Loss' });
    for (const option of await loss.locator('option').allTextContents()) {
      await loss.selectOption({ label: option });
      const fits = await loss.evaluate((el: HTMLSelectElement) => {
        const probe = document.createElement('span');
        const style = getComputedStyle(el);
        probe.style.font = style.font;
        probe.style.position = 'absolute';
        probe.style.whiteSpace = 'nowrap';
        probe.textContent = el.selectedOptions[0]!.textContent;
        document.body.append(probe);
        const text = probe.getBoundingClientRect().width;
        probe.remove();
        const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return { text, room };
      });
      expect(fits.text, option).toBeLessThanOrEqual(fits.room);
    }
    await loss.selectOption({ label: 'softmax cross-entropy' });
    for (const theme of ['dark', 'light'] as const) {
      await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
      await page.screenshot({ path: `${SCREENS}/item14-readable-${theme}.png` });
    }
    // Explain mode: every equation line stays inside its panel.
    await page.getByRole('button', { name: 'Explain', exact: true }).click();
    const lines = page.getByTestId('explain-lines');
    await expect(lines).toBeVisible();
    const next = page.getByRole('button', { name: 'Next step' });
    for (let i = 0; i < 12; i++) {
      expect(await lines.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      if ((await next.count()) === 0) break;
      await next.click();
    }
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
    await page.screenshot({ path: `${SCREENS}/item14-explain-dark.png` });
    // A small window: the minimap goes rather than cover the network.
    await page.getByRole('button', { name: 'Close explain mode' }).click();
    await expect(page.locator('.react-flow__minimap')).toHaveCount(1);
    await page.setViewportSize({ width: 1000, height: 640 });
    await expect(page.locator('.react-flow__minimap')).toHaveCount(0);
    await page.screenshot({ path: `${SCREENS}/item14-small-window-dark.png` });
  });

  test('keyboard: palette items are buttons that add at the centre of the view; focus returns to the canvas after Undo (item 15, in part)', async ({ page }) => {
    await openApp(page);
    await page.getByRole('button', { name: 'Empty canvas' }).click();
    const add = page.getByRole('button', { name: 'Add Neuron' });
    await add.focus();
    await page.keyboard.press('Enter');
    // The canvas as seen: above the training dock.
    const canvasBox = await page.evaluate(() => {
      const main = document.querySelector('main.canvas')!.getBoundingClientRect();
      const dock = document.querySelector('section.dock')!.getBoundingClientRect();
      return { x: main.x, y: main.y, width: main.width, height: Math.min(main.bottom, dock.top) - main.y };
    });
    const neuron = page.locator('.react-flow__node').first();
    await expect(neuron).toBeVisible();
    const box = (await neuron.boundingBox())!;
    // Horizontally centred, and wholly inside the part of the canvas one sees (not under the dock, not at the pointer).
    expect(Math.abs(box.x + box.width / 2 - (canvasBox.x + canvasBox.width / 2))).toBeLessThan(80);
    expect(box.y).toBeGreaterThanOrEqual(canvasBox.y);
    expect(box.y + box.height).toBeLessThanOrEqual(canvasBox.y + canvasBox.height);
    // A click adds one too.
    await page.getByRole('button', { name: 'Add Dense layer' }).click();
    await expect(page.locator('.react-flow__node')).toHaveCount(2);
    await button(page, 'Undo').click();
    await expect(page.locator('.react-flow__node')).toHaveCount(1);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Network canvas');
  });
});
