/** The canvas's other tools, as a user meets them: drop onto an edge, validation on the nodes, layout, box-select, help. */
import { join } from 'node:path';
import { COLUMN_STEP } from '../../src/core/templates';
import { expect, openApp, test } from './fixtures';
import { canvas, clickEdge, edgeBetween, inspector, node, nodeIds, openTemplate, selectNode, settledBox } from './editor';

test('dropping a node onto an edge inserts it into that connection', async ({ page }) => {
  await openApp(page);
  await openTemplate(page, /Spiral/);
  await expect(edgeBetween(page, 'hidden1', 'hidden2')).toHaveCount(1);
  const id = await edgeBetween(page, 'hidden1', 'hidden2').getAttribute('data-id');
  const label = await settledBox(page, canvas(page).locator(`.nw-edge-label[data-edge-id="${id}"]`));
  const box = (await canvas(page).boundingBox())!;
  const before = await nodeIds(page);
  const item = page.getByRole('complementary', { name: 'Node palette' }).getByText('Dropout', { exact: true });
  // On the label, which sits on the curve (labels let the pointer through to their edge).
  await item.dragTo(canvas(page), { targetPosition: { x: label.x - box.x + label.width / 2, y: label.y - box.y + label.height / 2 } });
  await expect.poll(async () => (await nodeIds(page)).length).toBe(before.length + 1);
  const dropout = (await nodeIds(page)).find((n) => !before.includes(n))!;
  await expect(edgeBetween(page, 'hidden1', 'hidden2')).toHaveCount(0);
  await expect(edgeBetween(page, 'hidden1', dropout)).toHaveCount(1);
  await expect(edgeBetween(page, dropout, 'hidden2')).toHaveCount(1);
  await expect(node(page, dropout)).toContainText('8'); // its output size, from the core
});

test('a validation error shows on the node that causes it, in the problems list, and in the status bar', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: /Worked example/ }).click();
  const status = page.getByRole('contentinfo', { name: 'Status bar' });
  await expect(status.getByTestId('validation-state')).toHaveText('valid');
  for (const from of ['x1', 'x2']) {
    await clickEdge(page, from, 'h2');
    await page.keyboard.press('Delete');
  }
  const h2 = node(page, 'h2').locator('.nw-neuron');
  await expect(h2).toHaveClass(/has-error/);
  await node(page, 'h2').hover();
  await expect(node(page, 'h2').getByRole('tooltip')).toHaveText('"h2" has no input: connect something into it.');
  await expect(status.getByTestId('validation-state')).toHaveText('1 error');
  await page.getByRole('complementary', { name: 'Inspector' }).getByRole('region', { name: 'Problems' }).getByText(/"h2" has no input/).click();
  await expect(node(page, 'h2')).toHaveClass(/selected/);
  await expect(inspector(page).getByText('Neuron', { exact: true })).toBeVisible();
  await expect(inspector(page).getByRole('textbox', { name: 'Name' })).toHaveValue('h2');
});

test('auto-layout puts a scrambled network back in left-to-right order', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: /Worked example/ }).click();
  // Drag the output node back between the inputs and the hidden neurons, left of everything that feeds it.
  // (Staying well inside the canvas: near its edge React Flow pans the view while dragging.)
  const out = await settledBox(page, node(page, 'output'));
  const x1 = await settledBox(page, node(page, 'x1'));
  const h1 = await settledBox(page, node(page, 'h1'));
  await page.mouse.move(out.x + 12, out.y + 12);
  await page.mouse.down();
  await page.mouse.move((x1.x + x1.width + h1.x) / 2 - 20, out.y + 200, { steps: 10 });
  await page.mouse.up();
  // Positions in flow units (the node's transform), unaffected by the view fitting itself after the layout.
  const x = (id: string) => node(page, id).evaluate((el) => new DOMMatrixReadOnly(getComputedStyle(el).transform).m41);
  expect(await x('output')).toBeLessThan(await x('h1'));

  await page.getByRole('button', { name: 'Auto-layout', exact: true }).click();
  await expect.poll(async () => (await x('output')) > (await x('out'))).toBe(true);
  expect(await x('x1')).toBeLessThan(await x('h1'));
  expect(await x('h1')).toBeLessThan(await x('out'));
  expect(await x('h1')).toBe(await x('h2'));

  // One undo step puts the scrambled layout back.
  await page.keyboard.press('Control+Z');
  await expect.poll(async () => (await x('output')) < (await x('h1'))).toBe(true);
});

test('shift-drag box-selects, and the help overlay lists every shortcut', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: /Worked example/ }).click();
  const [a, b] = [(await node(page, 'x1').boundingBox())!, (await node(page, 'h2').boundingBox())!];
  await page.keyboard.down('Shift');
  await page.mouse.move(a.x - 20, a.y - 30);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width + 10, b.y + b.height + 20, { steps: 8 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  const selected = await canvas(page).locator('.react-flow__node.selected').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')).sort());
  expect(selected).toEqual(['h1', 'h2', 'x1', 'x2']);
  await expect(inspector(page).getByText('4 nodes selected')).toBeVisible();

  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  for (const text of ['Undo the last edit', 'Copy the selected nodes', 'Auto-layout, left to right', 'Fit the network in view', 'Box-select']) {
    await expect(help).toContainText(text);
  }
  await expect(help.locator('kbd', { hasText: 'Ctrl+Z' })).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
});

test('zoom, fit view, snap to grid and the minimap answer their keys', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: /Worked example/ }).click();
  await selectNode(page, 'h1');
  const zoom = page.getByRole('contentinfo', { name: 'Status bar' }).getByTitle('Canvas zoom');
  const before = await zoom.textContent();
  await page.keyboard.press('+');
  await expect(zoom).not.toHaveText(before!);
  await page.keyboard.press('f');
  await expect(canvas(page).locator('.react-flow__minimap')).toBeVisible();
  await page.keyboard.press('m');
  await expect(canvas(page).locator('.react-flow__minimap')).toHaveCount(0);
  await page.keyboard.press('m');
  await expect(canvas(page).locator('.react-flow__minimap')).toBeVisible();

  // With snapping on, a dragged node lands on the 16-unit grid; with it off (G), anywhere.
  const drag = async (dx: number) => {
    const r = (await node(page, 'h1').boundingBox())!;
    await page.mouse.move(r.x + r.width / 2, r.y + 40);
    await page.mouse.down();
    await page.mouse.move(r.x + r.width / 2 + dx, r.y + 40 + dx, { steps: 6 });
    await page.mouse.up();
  };
  const flowX = () => node(page, 'h1').evaluate((el) => new DOMMatrixReadOnly(getComputedStyle(el).transform).m41);
  await drag(37);
  expect((await flowX()) % 16).toBe(0);
  await page.keyboard.press('g');
  await drag(37);
  const x = await flowX();
  expect(x % 16).not.toBe(0);
});

test('dragging the Weight label scrubs the weight, the output follows, and one undo puts it back', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: /Worked example/ }).click();
  const output = node(page, 'out').getByTestId('node-output');
  await expect(output).toHaveText('a = 0.4502');
  await clickEdge(page, 'h1', 'out');
  const label = inspector(page).locator('label', { hasText: 'Weight' });
  const box = (await label.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 150, box.y + box.height / 2, { steps: 15 });
  await page.mouse.up();
  // 150 px at one 0.01 step per 3 px: the weight went from 1 to 1.5.
  await expect(inspector(page).getByRole('textbox', { name: 'Weight' })).toHaveValue('1.5');
  await expect(output).not.toHaveText('a = 0.4502');
  await page.keyboard.press('Control+Z');
  await expect(inspector(page).getByRole('textbox', { name: 'Weight' })).toHaveValue('1');
  await expect(output).toHaveText('a = 0.4502');
});

test('a loose node dragged onto an edge goes into that connection', async ({ page }) => {
  await openApp(page);
  await openTemplate(page, /Spiral/);
  const before = await nodeIds(page);
  const item = page.getByRole('complementary', { name: 'Node palette' }).getByText('Activation', { exact: true });
  await item.dragTo(canvas(page), { targetPosition: { x: 200, y: 60 } });
  await expect.poll(async () => (await nodeIds(page)).length).toBe(before.length + 1);
  const act = (await nodeIds(page)).find((n) => !before.includes(n))!;
  const id = await edgeBetween(page, 'hidden2', 'last').getAttribute('data-id');
  const target = await settledBox(page, canvas(page).locator(`.nw-edge-label[data-edge-id="${id}"]`));
  const from = (await node(page, act).boundingBox())!;
  await page.mouse.move(from.x + 20, from.y + 12);
  await page.mouse.down();
  await page.mouse.move(target.x - 4, target.y + target.height / 2, { steps: 12 });
  await page.mouse.up();
  await expect(edgeBetween(page, 'hidden2', 'last')).toHaveCount(0);
  await expect(edgeBetween(page, 'hidden2', act)).toHaveCount(1);
  await expect(edgeBetween(page, act, 'last')).toHaveCount(1);
});

test('the Templates menu opens from the toolbar and closes on a click elsewhere', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Empty canvas' }).click();
  await page.getByRole('button', { name: 'Templates', exact: true }).click();
  const menu = page.getByRole('menu', { name: 'Templates' });
  await expect(menu.getByRole('menuitem')).toHaveCount(7); // the five learning templates and the two digits ones
  // (The menu is seen whole now, over the canvas: click beside it.)
  await canvas(page).locator('.react-flow__pane').click({ position: { x: 20, y: 400 } });
  await expect(menu).toHaveCount(0);
  await openTemplate(page, /XOR/);
  await expect(canvas(page).locator('.nw-neuron')).toHaveCount(5);
  await expect(page.getByRole('button', { name: 'Undo', exact: true })).toBeDisabled();
});

test('"/" opens the search box at the pointer; "den" and Enter places a Dense layer there', async ({ page }, testInfo) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Empty canvas' }).click();
  const box = (await canvas(page).boundingBox())!;
  const pointer = { x: box.x + box.width * 0.5, y: box.y + box.height * 0.4 };
  await page.mouse.move(pointer.x, pointer.y);
  await page.keyboard.press('/');
  const input = page.getByRole('combobox', { name: 'Node name' });
  await expect(input).toBeFocused();
  await input.pressSequentially('den');
  await expect(page.getByRole('dialog', { name: 'Add a node' }).getByRole('option').first()).toContainText('Dense layer');
  await page.screenshot({ path: join(process.env.NETWRIGHT_SCREENS_DIR ?? testInfo.outputDir, 'editor-search-light.png') });
  await input.press('Enter');
  const dense = canvas(page).locator('.nw-dense');
  await expect(dense).toHaveCount(1);
  const r = (await dense.boundingBox())!;
  // The node sits around the pointer (its middle within a node's size of it).
  expect(Math.abs(r.x + r.width / 2 - pointer.x)).toBeLessThan(r.width);
  expect(Math.abs(r.y + r.height / 2 - pointer.y)).toBeLessThan(r.height);
  await expect(inspector(page).getByText('Dense layer', { exact: true })).toBeVisible();
});

test('arrow keys nudge the selected node along the grid, one undo step each', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: /Worked example/ }).click();
  await selectNode(page, 'h1');
  const flowX = () => node(page, 'h1').evaluate((el) => new DOMMatrixReadOnly(getComputedStyle(el).transform).m41);
  const start = await flowX();
  await page.keyboard.press('ArrowRight');
  await expect.poll(flowX).toBeGreaterThan(start);
  const once = await flowX();
  expect(once % 16).toBe(0);
  await page.keyboard.press('ArrowRight');
  await expect.poll(flowX).toBe(once + 16);
  await page.keyboard.press('Control+Z');
  await expect.poll(flowX).toBe(once);
  await page.keyboard.press('Control+Z');
  await expect.poll(flowX).toBe(start);
});

test('typing in the inspector never deletes or moves nodes (Backspace and arrows stay in the field)', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: /Worked example/ }).click();
  await selectNode(page, 'h1');
  const name = inspector(page).getByRole('textbox', { name: 'Name' });
  await name.click();
  await page.keyboard.press('End');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('idden 1');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Enter');
  await expect(node(page, 'h1')).toHaveCount(1);
  await expect(node(page, 'h1')).toContainText('hidden 1');
  await expect(canvas(page).locator('.react-flow__edge')).toHaveCount(7);
  const flowX = await node(page, 'h1').evaluate((el) => new DOMMatrixReadOnly(getComputedStyle(el).transform).m41);
  expect(flowX).toBe(COLUMN_STEP); // where the template put it: column 1
});
