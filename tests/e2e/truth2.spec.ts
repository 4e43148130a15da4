/**
 * The rest of issue 10 (the training view tells the truth) and issue 11 items 11 and 17, as a user meets them:
 * keyboard connect and centred palette adds, readable templates, inputs bound to the data's features, Playground's
 * feature toggles, a hung or closed trainer.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, openApp, test } from './fixtures';
import { canvas, node, nodeIds, openTemplate, selectNode, settledBox } from './editor';

const SCREENS = process.env.NETWRIGHT_SCREENS_DIR ?? '/work/notes/screens-truth2';

function toolbar(page: Page): Locator {
  return page.getByRole('toolbar', { name: 'Main toolbar' });
}

function button(page: Page, name: string): Locator {
  return toolbar(page).getByRole('button', { name, exact: true });
}

/** The canvas as one sees it: the part of main.canvas above the training dock, in page pixels. */
async function visibleCanvas(page: Page): Promise<{ x: number; y: number; width: number; height: number }> {
  return page.evaluate(() => {
    const main = document.querySelector('main.canvas')!.getBoundingClientRect();
    const dock = document.querySelector('section.dock')!.getBoundingClientRect();
    return { x: main.x, y: main.y, width: main.width, height: Math.min(main.bottom, dock.top) - main.y };
  });
}

test.describe('keyboard (issue 10 item 15)', () => {
  test('palette adds land at the centre of the visible canvas, horizontally and vertically', async ({ page }) => {
    await openApp(page);
    await page.getByRole('button', { name: 'Empty canvas' }).click();
    const view = await visibleCanvas(page);
    for (const label of ['Add Neuron', 'Add Dense layer', 'Add Output', 'Add Input']) {
      await page.getByRole('button', { name: label }).click();
      const added = canvas(page).locator('.react-flow__node.selected');
      await expect(added).toHaveCount(1);
      const box = await settledBox(page, added);
      const dx = box.x + box.width / 2 - (view.x + view.width / 2);
      const dy = box.y + box.height / 2 - (view.y + view.height / 2);
      // On the centre (to the rounding of positions to whole units).
      expect(Math.abs(dx), `${label}: horizontal offset`).toBeLessThanOrEqual(3);
      expect(Math.abs(dy), `${label}: vertical offset`).toBeLessThanOrEqual(3);
      // Measured alone: remove it before the next.
      await page.keyboard.press('Delete');
      await expect(canvas(page).locator('.react-flow__node')).toHaveCount(0);
    }
  });

  test('C, then the target’s name and Enter, connects the selected node; refused targets say why', async ({ page }) => {
    await openApp(page);
    await openTemplate(page, /XOR/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    const edges = canvas(page).locator('.react-flow__edge');
    const before = await edges.count();
    await selectNode(page, 'x');
    await page.keyboard.press('c');
    const box = page.getByRole('dialog', { name: 'Connect to a node' });
    await expect(box).toBeVisible();
    const input = box.getByRole('combobox', { name: 'Target node name' });
    await expect(input).toBeFocused();
    await input.pressSequentially('h1');
    // x already feeds h1: offered, but dimmed with the reason.
    await expect(box.getByRole('option').first()).toContainText('already connected');
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
      await page.screenshot({ path: `${SCREENS}/item15-connect-refused-${theme}.png` });
    }
    await input.press('Enter');
    await expect(box).toHaveCount(0);
    await expect(page.getByTestId('notice')).toContainText('"x" is already connected to "h1"');
    await expect(edges).toHaveCount(before);

    await selectNode(page, 'x');
    await page.keyboard.press('c');
    await input.pressSequentially('ou');
    await expect(box.getByRole('option').first()).toHaveText('out');
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'light'));
    await page.screenshot({ path: `${SCREENS}/item15-connect-light.png` });
    await input.press('Enter');
    await expect(box).toHaveCount(0);
    await expect(edges).toHaveCount(before + 1);
    await expect(canvas(page).locator('.react-flow__edge[aria-label="Edge from x to out"]')).toHaveCount(1);
    // One undo step, and the keyboard is back on the canvas.
    await page.keyboard.press('Control+z');
    await expect(edges).toHaveCount(before);
    expect(await nodeIds(page)).toContain('out');
  });
});

/** The smallest on-screen size of any text in a node: each text's computed font size × the canvas zoom. */
async function smallestNodeText(page: Page): Promise<{ px: number; zoom: number; where: string }> {
  return page.evaluate(() => {
    const viewport = document.querySelector<HTMLElement>('.react-flow__viewport')!;
    const zoom = new DOMMatrixReadOnly(getComputedStyle(viewport).transform).a;
    let px = Infinity;
    let where = '';
    for (const el of document.querySelectorAll<HTMLElement>('.react-flow__node *')) {
      const hasText = [...el.childNodes].some((c) => c.nodeType === Node.TEXT_NODE && (c.textContent ?? '').trim() !== '');
      if (!hasText || el.getClientRects().length === 0) continue;
      const size = parseFloat(getComputedStyle(el).fontSize) * zoom;
      if (size < px) {
        px = size;
        where = `${el.className} “${el.textContent}”`;
      }
    }
    return { px, zoom, where };
  });
}

test.describe('readable at a glance (issue 10 item 14)', () => {
  for (const template of ['Worked example', 'XOR', 'Spiral', 'Iris', 'regression']) {
    test(`the ${template} template opens with every node’s text at 11 px or more on screen`, async ({ page }) => {
      await openApp(page);
      await openTemplate(page, new RegExp(template, 'i'));
      await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
      const first = canvas(page).locator('.react-flow__node').first();
      await settledBox(page, first);
      const text = await smallestNodeText(page);
      expect(text.px, `smallest text at zoom ${text.zoom}: ${text.where}`).toBeGreaterThanOrEqual(11);
      // The network is read from its inputs: they are in view.
      const inputs = canvas(page).locator('.react-flow__node-input');
      const view = await visibleCanvas(page);
      for (const box of await inputs.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect))) {
        expect(box.x).toBeGreaterThanOrEqual(view.x);
        expect(box.y).toBeGreaterThanOrEqual(view.y);
        expect(box.y + box.height).toBeLessThanOrEqual(view.y + view.height);
      }
      const slug = template.toLowerCase().replace(/\W+/g, '-');
      for (const theme of ['light', 'dark'] as const) {
        await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
        await page.screenshot({ path: `${SCREENS}/item14-template-${slug}-${theme}.png` });
      }
    });
  }
});

function dock(page: Page): Locator {
  return page.getByRole('region', { name: 'Training' });
}

test.describe('inputs and data meet without renaming (issue 10 items 10, 11)', () => {
  test('new Inputs read the next unused feature of the chosen data, and pick another from a menu', async ({ page }) => {
    await openApp(page);
    await page.getByRole('button', { name: 'Empty canvas' }).click();
    await dock(page).getByRole('button', { name: 'Expand training dock' }).click();
    await dock(page).getByRole('combobox', { name: 'Data set' }).selectOption({ label: 'XOR' });
    await page.getByRole('button', { name: 'Add Input' }).click();
    await page.getByRole('button', { name: 'Add Input' }).click();
    const inputs = canvas(page).locator('.react-flow__node-input');
    await expect(inputs).toHaveCount(2);
    await expect(inputs.nth(0).locator('.nw-rows')).toHaveText(/^x/);
    await expect(inputs.nth(1).locator('.nw-rows')).toHaveText(/^y/);
    // The second is selected: its feature menu offers the data's features.
    const menu = page.getByRole('complementary', { name: 'Inspector' }).getByRole('combobox', { name: 'Feature' });
    await expect(menu).toHaveValue('y');
    expect(await menu.locator('option').allTextContents()).toEqual(['x', 'y']);
    await dock(page).getByRole('checkbox', { name: 'Feature sin x' }).check();
    // (The toggle adds its own Input for sin x; the menu of the selected Input offers it too.)
    await expect(inputs).toHaveCount(3);
    await menu.selectOption({ label: 'sin x' });
    await expect(inputs.nth(1).locator('.nw-rows')).toHaveText(/^sin x/);
    await page.screenshot({ path: `${SCREENS}/item10-feature-menu-light.png` });
  });

  test('the worked example on XOR: one click binds x1, x2 → y to x, y → label, and it trains', async ({ page }) => {
    await openApp(page);
    await openTemplate(page, /Worked example/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    // Its own data is the textbook's one row: the Output shows that row's true target.
    await expect(node(page, 'output').getByTestId('node-target')).toHaveText(/true\s*1/);
    await dock(page).getByRole('combobox', { name: 'Data set' }).selectOption({ label: 'XOR' });
    await expect(dock(page).getByLabel('Training problem')).toContainText('Can’t train this yet.');
    const offer = dock(page).getByRole('group', { name: 'Bind to the data' });
    await expect(offer).toContainText('The network reads “x1”, “x2”, “y”; the data has “x”, “y”, “label”.');
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
      await page.screenshot({ path: `${SCREENS}/item10-bind-offer-${theme}.png` });
    }
    await offer.getByRole('button', { name: 'Bind inputs to x, y and the target to label' }).click();
    await expect(offer).toHaveCount(0);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    await expect(node(page, 'output')).toContainText('label');
    await button(page, 'Play').click();
    await expect.poll(async () => Number(((await page.getByTestId('live-step').textContent()) ?? '').replace(/\D/g, '')), { timeout: 20_000 }).toBeGreaterThan(0);
    await button(page, 'Pause').click();
    // One undo step takes the binding back.
    await button(page, 'Undo').click();
    await expect(dock(page).getByRole('group', { name: 'Bind to the data' })).toBeVisible();
  });

  test('ticking x² adds a wired Input for it, unticking removes it, each one undo step; the Output shows the row’s true label', async ({ page }) => {
    await openApp(page);
    await openTemplate(page, /XOR/);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    const before = await nodeIds(page);
    const edges = canvas(page).locator('.react-flow__edge');
    const edgeCount = await edges.count();
    const square = dock(page).getByRole('checkbox', { name: 'Feature x²' });
    await square.check();
    await expect.poll(async () => (await nodeIds(page)).length).toBe(before.length + 1);
    const added = (await nodeIds(page)).find((id) => !before.includes(id))!;
    await expect(node(page, added)).toContainText('x²');
    await expect(edges).toHaveCount(edgeCount + 4);
    for (const h of ['h1', 'h2', 'h3', 'h4']) await expect(canvas(page).locator(`.react-flow__edge[aria-label="Edge from ${added} to ${h}"]`)).toHaveCount(1);
    await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
      await page.screenshot({ path: `${SCREENS}/item11-toggle-x2-${theme}.png` });
    }
    await button(page, 'Undo').click();
    await expect.poll(async () => (await nodeIds(page)).length).toBe(before.length);
    await expect(square).not.toBeChecked();
    await button(page, 'Redo').click();
    await expect(square).toBeChecked();
    await square.uncheck();
    await expect.poll(async () => (await nodeIds(page)).length).toBe(before.length);
    await expect(edges).toHaveCount(edgeCount);
    // A row of the data as the example: the Output shows that row's label (0 or 1), the number the data holds.
    await selectNode(page, 'x');
    const row = page.getByRole('complementary', { name: 'Inspector' }).getByRole('textbox', { name: 'Data row', exact: true });
    await row.fill('5');
    await row.press('Enter');
    await expect(node(page, 'output').getByTestId('node-target')).toHaveText(/^true\s*[01]$/);
  });
});

async function liveStep(page: Page): Promise<number> {
  return Number(((await page.getByTestId('live-step').textContent()) ?? '').replace(/\D/g, ''));
}

test.describe('a trainer that hangs or closes itself (issue 11 item 17, against issue 10’s heartbeat)', () => {
  const faults = {
    'loops forever': () => {
      setTimeout(() => {
        for (;;) {
          // busy: never answers again
        }
      }, 0);
    },
    'calls self.close()': () => {
      setTimeout(() => (self as unknown as { close(): void }).close(), 0);
    },
  };
  for (const [fault, inject] of Object.entries(faults)) {
    test(`a Web Worker trainer that ${fault} while training is noticed; Restart trains the same document again`, async ({ page }) => {
      // A short heartbeat: a ping every 200 ms, 1.5 s to answer.
      await page.goto('/?heartbeat=200,1500');
      await expect(page.getByRole('status')).toHaveText(/Trainer ready · protocol v\d+/, { timeout: 20_000 });
      await openTemplate(page, /XOR/);
      await expect(page.getByTestId('live-step')).toHaveText('step 0', { timeout: 20_000 });
      await button(page, 'Play').click();
      await expect.poll(() => liveStep(page), { timeout: 20_000 }).toBeGreaterThan(5);
      const ids = await nodeIds(page);
      await expect.poll(() => page.workers().length).toBeGreaterThan(0);
      const worker = page.workers().at(-1)!;
      await worker.evaluate(inject);

      const banner = page.getByRole('alert').filter({ hasText: 'trainer' });
      await expect(banner).toContainText('The trainer stopped answering.', { timeout: 15_000 });
      await expect(banner).toContainText('Your network is safe');
      await expect(banner).toContainText('has not answered for 1,500 ms');
      await expect(page.getByRole('status')).not.toHaveText(/Trainer ready/);
      // Nothing claims to train: Play is offered again only after a restart, and the document is untouched.
      await expect(button(page, 'Pause')).toHaveCount(0);
      expect(await nodeIds(page)).toEqual(ids);
      await page.screenshot({ path: `${SCREENS}/issue11-item17-${fault.replace(/\W+/g, '-')}-light.png` });

      await banner.getByRole('button', { name: 'Restart' }).click();
      await expect(page.getByRole('status')).toHaveText(/Trainer ready · protocol v\d+/, { timeout: 20_000 });
      await expect(banner).toHaveCount(0);
      expect(await nodeIds(page)).toEqual(ids);
      await expect(button(page, 'Play')).toBeEnabled({ timeout: 20_000 });
      const from = await liveStep(page);
      await button(page, 'Play').click();
      await expect.poll(() => liveStep(page), { timeout: 20_000 }).toBeGreaterThan(from + 5);
      await button(page, 'Pause').click();
      expect(await nodeIds(page)).toEqual(ids);
    });
  }
});
