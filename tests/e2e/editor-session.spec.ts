/**
 * A user's editing session: build XOR from the palette and the search box, be told why a cycle is refused, undo and
 * redo ten edits, copy and paste a sub-graph (into another network too), expand a Dense layer and collapse it back.
 */
import { TEMPLATES } from '../../src/core/templates';
import { validateDocument } from '../../src/core/validate';
import { expect, openApp, test } from './fixtures';
import {
  addBySearch, canvas, clickEdge, connectNodes, copiedGraph, dragConnectionOver, dragFromPalette, edgeBetween, inspector,
  node, nodeIds, openTemplate, selectNode, setField, startEmpty, visibleCanvasSize,
} from './editor';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test('build XOR from the palette and the search box, and see it valid with the core’s parameter count', async ({ page, problems }) => {
  await openApp(page);
  await startEmpty(page);

  // Positions as fractions of the visible canvas, measured at each drop: the training dock opens over the bottom of
  // the canvas once there is a network.
  const at = async (fx: number, fy: number) => {
    const { width, height } = await visibleCanvasSize(page);
    return { x: Math.round(fx * width), y: Math.round(fy * height) };
  };
  const x = await dragFromPalette(page, 'Input', await at(0.12, 0.3));
  const y = await dragFromPalette(page, 'Input', await at(0.12, 0.7));
  const hidden: string[] = [];
  for (const [i, row] of [0.14, 0.38, 0.62, 0.86].entries()) {
    hidden.push(i % 2 === 0 ? await dragFromPalette(page, 'Neuron', await at(0.38, row)) : await addBySearch(page, 'neu', await at(0.38, row)));
  }
  const out = await addBySearch(page, 'neu', await at(0.6, 0.5));
  const output = await addBySearch(page, 'outp', await at(0.8, 0.5));
  await expect(node(page, output)).toContainText('Output');

  for (const h of hidden) {
    await connectNodes(page, x, h);
    await connectNodes(page, y, h);
    await connectNodes(page, h, out);
  }
  await connectNodes(page, out, output);
  await expect(canvas(page).locator('.react-flow__edge')).toHaveCount(13);

  // Name the inputs after the data's features, tanh in the hidden layer, a sigmoid out, cross-entropy on "label".
  await selectNode(page, x);
  await setField(page, 'Features', 'x');
  await selectNode(page, y);
  await setField(page, 'Features', 'y');
  for (const h of hidden) {
    await selectNode(page, h);
    await inspector(page).getByLabel('Activation').selectOption('tanh');
  }
  await selectNode(page, out);
  await inspector(page).getByLabel('Activation').selectOption('sigmoid');
  await selectNode(page, output);
  await inspector(page).getByLabel('Loss').selectOption('binaryCrossEntropy');
  await setField(page, 'Targets', 'label');

  const xor = validateDocument(TEMPLATES.find((t) => t.id === 'xor')!.build());
  const status = page.getByRole('contentinfo', { name: 'Status bar' });
  await expect(status.getByTestId('validation-state')).toHaveText('valid');
  await expect(status.getByTestId('parameter-count')).toHaveText(`${xor.parameterCount} parameters`);
  await expect(status).toContainText(`${xor.memory.fp32} B fp32 / ${xor.memory.fp16} B fp16 / ${xor.memory.int8} B int8`);

  // A connection back from the output neuron into the hidden layer would make a loop: refused, and said so.
  await dragConnectionOver(page, out, hidden[0]!);
  const hint = canvas(page).getByTestId('connection-hint');
  await expect(hint).toBeVisible();
  await expect(hint).toContainText('would make a loop');
  await page.mouse.up();
  await expect(hint).toHaveCount(0);
  await expect(canvas(page).getByRole('alert')).toContainText('would make a loop');
  await expect(canvas(page).locator('.react-flow__edge')).toHaveCount(13);

  expect(problems.pageErrors).toEqual([]);
  expect(problems.consoleErrors).toEqual([]);
});

test('undo ten edits gives back exactly the document before them, and redo exactly the one after', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: /Worked example/ }).click();
  await expect(node(page, 'h1')).toBeVisible();
  const before = await copiedGraph(page);

  // 1 move a node by dragging it
  const h2 = (await node(page, 'h2').boundingBox())!;
  await page.mouse.move(h2.x + h2.width / 2, h2.y + 40);
  await page.mouse.down();
  await page.mouse.move(h2.x + h2.width / 2 + 60, h2.y + 100, { steps: 8 });
  await page.mouse.up();
  // 2 a weight, 3 a bias, 4 an activation, 5 a name
  await clickEdge(page, 'x1', 'h1');
  await setField(page, 'Weight', '0.75');
  await selectNode(page, 'h1');
  await setField(page, 'Bias', '0.1');
  await inspector(page).getByLabel('Activation').selectOption('tanh');
  await setField(page, 'Name', 'hidden one');
  // 6 a node from the palette, 7 and 8 two connections
  const extra = await dragFromPalette(page, 'Neuron', { x: 400, y: 80 });
  await connectNodes(page, 'x1', extra);
  await connectNodes(page, 'x2', extra);
  // 9 delete a connection, 10 delete a node
  await clickEdge(page, 'h2', 'out');
  await page.keyboard.press('Delete');
  await expect(edgeBetween(page, 'h2', 'out')).toHaveCount(0);
  await selectNode(page, extra);
  await page.keyboard.press('Delete');
  await expect(node(page, extra)).toHaveCount(0);

  const after = await copiedGraph(page);
  expect(after).not.toEqual(before);

  for (let i = 0; i < 10; i++) await page.keyboard.press('Control+Z');
  expect(await copiedGraph(page)).toEqual(before);
  await expect(page.getByRole('button', { name: 'Undo', exact: true })).toBeDisabled();

  for (let i = 0; i < 10; i++) await page.keyboard.press('Control+Shift+Z');
  expect(await copiedGraph(page)).toEqual(after);
  await expect(page.getByRole('button', { name: 'Redo', exact: true })).toBeDisabled();
});

test('copy a sub-graph and paste it, into this network and into a new one, weights and all', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: /Worked example/ }).click();
  await selectNode(page, 'x1');
  await node(page, 'h1').click({ modifiers: ['Control'] });
  await expect(canvas(page).locator('.react-flow__node.selected')).toHaveCount(2);
  await page.keyboard.press('Control+C');
  // Click an empty spot below the network, and paste there.
  const h2 = (await node(page, 'h2').boundingBox())!;
  await page.mouse.click(h2.x, h2.y + h2.height + 40);
  await expect(canvas(page).locator('.react-flow__node.selected')).toHaveCount(0);
  await page.keyboard.press('Control+V');

  // Two new nodes, named as copies, joined by the copied connection with its weight 0.5.
  await expect(canvas(page).locator('.react-flow__node')).toHaveCount(8);
  await expect(canvas(page).locator('.react-flow__node.selected')).toHaveCount(2);
  await expect(canvas(page).locator('[data-node-name="x1 copy"]')).toBeVisible();
  await expect(canvas(page).locator('[data-node-name="h1 copy"]')).toBeVisible();
  await expect(canvas(page).locator('.react-flow__edge')).toHaveCount(8);
  const pasted = await nodeIds(page);
  const [px, ph] = pasted.slice(-2) as [string, string];
  await clickEdge(page, px, ph);
  await expect(inspector(page).getByRole('textbox', { name: 'Weight' })).toHaveValue('0.5');

  // Into another network: New (not saving this one), then paste.
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await page.getByRole('dialog', { name: 'Unsaved changes' }).getByRole('button', { name: 'Don’t save' }).click();
  await expect(canvas(page).locator('.react-flow__node')).toHaveCount(0);
  await canvas(page).locator('.react-flow__pane').click();
  await page.keyboard.press('Control+V');
  await expect(canvas(page).locator('.react-flow__node')).toHaveCount(2);
  await expect(canvas(page).locator('[data-node-name="x1"]')).toBeVisible();
  await expect(canvas(page).locator('.react-flow__edge')).toHaveCount(1);
});

test('expand a Dense layer into its neurons and collapse them back, keeping every weight', async ({ page }) => {
  await openApp(page);
  await openTemplate(page, /Spiral/);
  await expect(node(page, 'hidden1')).toBeVisible();
  await page.keyboard.press('i'); // initialise the weights, so the network runs on the example
  const prediction = canvas(page).locator('.nw-output').getByTestId('node-output');
  await expect(prediction).toBeVisible();
  const predicted = await prediction.textContent();
  const status = page.getByRole('contentinfo', { name: 'Status bar' });
  const parameters = await status.getByTestId('parameter-count').textContent();

  await selectNode(page, 'hidden1');
  await inspector(page).getByRole('button', { name: /Expand into neurons/ }).click();
  await expect(canvas(page).locator('.nw-neuron')).toHaveCount(8);
  await expect(node(page, 'hidden1')).toHaveCount(0);
  await expect(canvas(page).locator('.react-flow__node.selected')).toHaveCount(8);
  await expect(prediction).toHaveText(predicted!);
  await expect(status.getByTestId('parameter-count')).toHaveText(parameters!);
  // Each neuron's incoming edges now carry single weights.
  await expect(canvas(page).locator('.nw-edge-label:not(.block)').first()).toBeVisible();

  await page.keyboard.press('e'); // collapse the selected neurons
  await expect(canvas(page).locator('.nw-neuron')).toHaveCount(0);
  await expect(canvas(page).locator('.nw-dense')).toHaveCount(3);
  await expect(prediction).toHaveText(predicted!);
  await expect(status.getByTestId('parameter-count')).toHaveText(parameters!);
  await expect(canvas(page).locator('.nw-edge-label.block', { hasText: '2×8' })).toHaveCount(0);
  await expect(canvas(page).locator('.nw-edge-label.block', { hasText: '8×8' })).toHaveCount(1);
});
