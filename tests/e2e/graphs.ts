/**
 * Networks for screenshots and the frame benchmark, built with the core and handed to the app the way a user would:
 * as copied nodes pasted from the clipboard (the editor's clipboard format).
 */
import type { Page } from '@playwright/test';
import type { NetworkDocument, NetworkEdge, NetworkNode } from '../../src/core/document';
import { emptyDocument } from '../../src/core/document';
import { createNode } from '../../src/core/nodes';
import { CLIPBOARD_FORMAT } from '../../src/renderer/editor/commands';

/** `columns` columns of `rows` nodes (the first column Inputs, the rest Neurons), `edges` weighted edges between neighbouring columns. */
export function neuronGrid(columns: number, rows: number, edges: number): NetworkDocument {
  const nodes: NetworkNode[] = [];
  const id = (c: number, r: number) => `c${c}r${r}`;
  for (let c = 0; c < columns; c++) {
    for (let r = 0; r < rows; r++) {
      nodes.push(c === 0
        ? createNode('input', id(c, r), { x: 0, y: r * 112 }, { features: [`f${r}`] })
        : createNode('neuron', id(c, r), { x: c * 240, y: r * 112 }, { activation: c % 2 ? 'tanh' : 'relu', bias: ((r * 37 + c * 11) % 20) / 20 - 0.5 }));
    }
  }
  const list: NetworkEdge[] = [];
  const pairs = columns - 1;
  for (let k = 0; k < edges; k++) {
    const pair = k % pairs;
    const n = Math.floor(k / pairs);
    const target = n % rows;
    const source = (target + Math.floor(n / rows) * 7 + 3) % rows;
    list.push({ id: `e${k}`, source: id(pair, source), target: id(pair + 1, target), weights: [(((k * 7919) % 200) - 100) / 100] });
  }
  return { ...emptyDocument('Grid'), nodes, edges: list };
}

/** A larger layer graph: two inputs, a residual block with Add, a Concat of two branches, dropout, softmax classes. */
export function layerGraph(): NetworkDocument {
  const n = (type: NetworkNode['type'], id: string, x: number, y: number, o: Record<string, unknown> = {}) =>
    createNode(type, id, { x: x * 260, y: y * 130 }, o as never);
  const nodes = [
    n('input', 'pixels', 0, 0, { name: 'measurements', features: ['sepalLength', 'sepalWidth', 'petalLength', 'petalWidth'] }),
    n('input', 'extra', 0, 2, { name: 'engineered', features: ['ratio', 'area'] }),
    n('dense', 'd1', 1, 0, { name: 'embed', units: 16, activation: 'relu' }),
    n('dense', 'd2', 2, -1, { name: 'block a', units: 16, activation: 'relu' }),
    n('add', 'add', 3, 0, { name: 'residual' }),
    n('dense', 'd3', 2, 2, { name: 'side', units: 8, activation: 'tanh' }),
    n('concat', 'cat', 4, 1, { name: 'join' }),
    n('dropout', 'drop', 5, 1, { name: 'dropout', rate: 0.2 }),
    n('dense', 'd4', 6, 1, { name: 'classes', units: 3, activation: 'softmax' }),
    n('output', 'out', 7, 1, { name: 'species', loss: 'softmaxCrossEntropy', targets: ['setosa', 'versicolor', 'virginica'] }),
  ];
  const e = (source: string, target: string, order?: number): NetworkEdge => ({ id: `${source}-${target}`, source, target, ...(order === undefined ? {} : { order }) });
  const edges = [e('pixels', 'd1'), e('d1', 'd2'), e('d1', 'add'), e('d2', 'add'), e('extra', 'd3'), e('add', 'cat', 0), e('d3', 'cat', 1), e('cat', 'drop'), e('drop', 'd4'), e('d4', 'out')];
  return { ...emptyDocument('Layers'), nodes, edges };
}

/** Put a document's nodes and edges on the clipboard and paste them into the app (Ctrl+V on the canvas). */
export async function pasteDocument(page: Page, doc: NetworkDocument): Promise<void> {
  const text = JSON.stringify({ format: CLIPBOARD_FORMAT, version: 1, nodes: doc.nodes, edges: doc.edges });
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.getByRole('main', { name: 'Network canvas' }).locator('.react-flow__pane').click({ position: { x: 4, y: 4 } });
  await page.keyboard.press('Control+V');
}
