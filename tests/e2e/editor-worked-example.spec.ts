/**
 * A learner builds the textbook network by hand, from an empty canvas, and sees its output of 0.45; then changes one
 * weight and sees the output the core computes for the changed network.
 */
import type { NetworkDocument } from '../../src/core/document';
import { emptyDocument } from '../../src/core/document';
import { connect, setEdgeWeight } from '../../src/core/edit';
import { createNode } from '../../src/core/nodes';
import { compileNetwork } from '../../src/core/network';
import { formatValue } from '../../src/renderer/editor/trace';
import { expect, openApp, test } from './fixtures';
import { clickEdge, connectNodes, dragFromPalette, inspector, node, selectNode, setField, startEmpty } from './editor';

/** The same network built with the core, and its output for x = [1, 2]. */
function coreOutput(weights: Record<string, number>): number {
  let doc: NetworkDocument = emptyDocument();
  doc = { ...doc, nodes: [
    createNode('input', 'x1', { x: 0, y: 0 }), createNode('input', 'x2', { x: 0, y: 100 }),
    createNode('neuron', 'h1', { x: 200, y: 0 }, { bias: 0.3 }), createNode('neuron', 'h2', { x: 200, y: 100 }, { bias: -0.1 }),
    createNode('neuron', 'out', { x: 400, y: 50 }, { activation: 'sigmoid', bias: 0.5 }),
    createNode('output', 'o', { x: 600, y: 50 }),
  ] };
  for (const [pair, w] of Object.entries(weights)) {
    const [s, t] = pair.split('>') as [string, string];
    const c = connect(doc, s, t);
    if (!c.ok) throw new Error(c.reason);
    const r = setEdgeWeight(c.doc, c.edge.id, 0, w);
    if (!r.ok) throw new Error(r.reason);
    doc = r.doc;
  }
  const c = connect(doc, 'out', 'o');
  if (!c.ok) throw new Error(c.reason);
  const compiled = compileNetwork(c.doc, { initializer: 'document' });
  if (!compiled.ok) throw new Error(compiled.problems[0]!.message);
  return compiled.net.trace(new Float32Array([1, 2]))['out']!.a[0]!;
}

test('build the worked example with the mouse, see 0.45, change a weight and see the output move', async ({ page, problems }) => {
  await openApp(page);
  await startEmpty(page);

  // Two inputs and three neurons from the palette.
  const x1 = await dragFromPalette(page, 'Input', { x: 140, y: 200 });
  const x2 = await dragFromPalette(page, 'Input', { x: 140, y: 380 });
  const h1 = await dragFromPalette(page, 'Neuron', { x: 420, y: 200 });
  const h2 = await dragFromPalette(page, 'Neuron', { x: 420, y: 380 });
  const out = await dragFromPalette(page, 'Neuron', { x: 680, y: 290 });
  await expect(node(page, x1)).toContainText('Input');

  // Six connections, handle to handle.
  for (const [s, t] of [[x1, h1], [x2, h1], [x1, h2], [x2, h2], [h1, out], [h2, out]] as const) {
    await connectNodes(page, s, t);
  }
  await expect(page.locator('.react-flow__edge')).toHaveCount(6);

  // The nine numbers: six weights, three biases; the last neuron is a sigmoid.
  const weights: Record<string, number> = { [`${x1}>${h1}`]: 0.5, [`${x2}>${h1}`]: -0.3, [`${x1}>${h2}`]: 0.2, [`${x2}>${h2}`]: 0.4, [`${h1}>${out}`]: 1, [`${h2}>${out}`]: -1 };
  for (const [pair, w] of Object.entries(weights)) {
    const [s, t] = pair.split('>') as [string, string];
    await clickEdge(page, s, t);
    await expect(inspector(page).getByText('Connection')).toBeVisible();
    await setField(page, 'Weight', String(w));
  }
  for (const [id, bias] of [[h1, '0.3'], [h2, '-0.1'], [out, '0.5']] as const) {
    await selectNode(page, id);
    await setField(page, 'Bias', bias);
  }
  await selectNode(page, out);
  await inspector(page).getByLabel('Activation').selectOption('sigmoid');

  // The example input is x1 = 1, x2 = 2 (shown on the inputs); the output is 0.45.
  await expect(node(page, x1).getByTestId('example-value')).toHaveText('1');
  await expect(node(page, x2).getByTestId('example-value')).toHaveText('2');
  await expect(node(page, out).getByTestId('node-output')).toHaveText('a = 0.4502');
  await expect(inspector(page).getByTestId('inspector-a')).toHaveText('0.4502');

  // Change one weight: h1 → out from 1 to 2. The output moves to what the core computes.
  const changed = { ...weights, [`${h1}>${out}`]: 2 };
  const expected = formatValue(coreOutput(Object.fromEntries(Object.entries(changed).map(([k, v]) => [k.replace(x1, 'x1').replace(x2, 'x2').replace(h1, 'h1').replace(h2, 'h2').replace(out, 'out'), v]))));
  expect(expected).not.toBe('0.4502');
  await clickEdge(page, h1, out);
  await setField(page, 'Weight', '2');
  await expect(node(page, out).getByTestId('node-output')).toHaveText(`a = ${expected}`);

  expect(problems.pageErrors).toEqual([]);
  expect(problems.consoleErrors).toEqual([]);
});
