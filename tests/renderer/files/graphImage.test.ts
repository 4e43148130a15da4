import { describe, expect, it } from 'vitest';
import { TEMPLATES } from '../../../src/core/templates';
import type { NetworkDocument } from '../../../src/core/document';
import {
  collectGraphPicture, graphSvg, lastTranslate, nodeDetail, pictureBounds, pngScale, IMAGE_PADDING, MAX_PNG_SIDE, type GraphPicture,
} from '../../../src/renderer/files/graphImage';

const worked = (): NetworkDocument => TEMPLATES.find((t) => t.id === 'worked-example')!.build();

/** A canvas as React Flow lays it out: nodes placed by transform, edges as SVG paths, labels placed by transform. */
function fakeCanvas(doc: NetworkDocument, drawn: (id: string) => boolean = () => true): HTMLElement {
  const root = document.createElement('div');
  root.className = 'react-flow';
  doc.nodes.forEach((node, i) => {
    if (!drawn(node.id)) return;
    const el = document.createElement('div');
    el.className = 'react-flow__node';
    el.setAttribute('data-id', node.id);
    el.style.transform = `translate(${100 * i}px, ${-20 * i}px)`;
    el.append(document.createElement('div'));
    root.append(el);
  });
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  for (const edge of doc.edges) {
    const g = document.createElementNS('http://www.w3.org/2000/svg', 'g');
    g.setAttribute('class', 'react-flow__edge');
    g.setAttribute('data-id', edge.id);
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('class', 'react-flow__edge-path');
    path.setAttribute('d', 'M0,0 C10,0 10,10 20,10');
    path.setAttribute('style', 'stroke: rgb(37, 99, 201); stroke-width: 4.5px; opacity: 0.5');
    g.append(path);
    svg.append(g);
    const label = document.createElement('div');
    label.className = 'nw-edge-label';
    label.setAttribute('data-edge-id', edge.id);
    label.style.transform = 'translate(-50%, -50%) translate(55px, 7.5px)';
    label.textContent = edge.weights ? String(edge.weights[0]) : 'w ?';
    root.append(label);
  }
  root.append(svg);
  return root;
}

function parse(svg: string): Document {
  return new DOMParser().parseFromString(svg, 'image/svg+xml');
}

describe('the SVG image of the graph', () => {
  it('parses as SVG and holds every node by name, every edge path with its colour and width, every weight label', () => {
    const doc = worked();
    const svg = graphSvg(collectGraphPicture(fakeCanvas(doc), doc), doc.name);
    const parsed = parse(svg);
    expect(parsed.querySelector('parsererror')).toBeNull();
    expect(parsed.documentElement.tagName).toBe('svg');
    const texts = [...parsed.querySelectorAll('text')].map((t) => t.textContent);
    for (const node of doc.nodes) expect(texts).toContain(node.name);
    const paths = [...parsed.querySelectorAll('path[data-edge-id]')];
    expect(paths.map((p) => p.getAttribute('data-edge-id'))).toEqual(doc.edges.map((e) => e.id));
    expect(paths[0]!.getAttribute('stroke')).toBe('rgb(37, 99, 201)');
    expect(paths[0]!.getAttribute('stroke-width')).toBe('4.5');
    expect(paths[0]!.getAttribute('stroke-opacity')).toBe('0.5');
    for (const edge of doc.edges.filter((e) => e.weights)) expect(texts).toContain(String(edge.weights![0]));
  });

  it('draws a Neuron as a circle with its activation and bias, other nodes as boxes', () => {
    const doc = worked();
    const parsed = parse(graphSvg(collectGraphPicture(fakeCanvas(doc), doc)));
    const circles = [...parsed.querySelectorAll('g[data-node-id] circle')].map((c) => c.parentElement!.getAttribute('data-node-id'));
    expect(circles).toEqual(['h1', 'h2', 'out']);
    const h2 = [...parsed.querySelectorAll('g[data-node-id="h2"] text')].map((t) => t.textContent);
    expect(h2).toEqual(['h2', 'relu', 'b -0.1']);
    expect(parsed.querySelectorAll('g[data-node-id] > rect')).toHaveLength(3);
  });

  it('places nodes where the canvas has them, and a node not drawn yet at its document position', () => {
    const doc = worked();
    const picture = collectGraphPicture(fakeCanvas(doc, (id) => id !== 'out'), doc);
    expect(picture.nodes[1]).toMatchObject({ id: 'x2', x: 100, y: -20 });
    const out = doc.nodes.find((n) => n.id === 'out')!;
    expect(picture.nodes.find((n) => n.id === 'out')).toMatchObject({ x: out.position.x, y: out.position.y, width: 150, height: 56 });
  });

  it('escapes names, so a node called <script> stays text', () => {
    const doc = worked();
    doc.nodes[0] = { ...doc.nodes[0]!, name: '<script>&"' };
    const parsed = parse(graphSvg(collectGraphPicture(fakeCanvas(doc), doc)));
    expect(parsed.querySelector('parsererror')).toBeNull();
    expect(parsed.querySelector('script')).toBeNull();
    expect([...parsed.querySelectorAll('text')].map((t) => t.textContent)).toContain('<script>&"');
  });

  it('frames every node with padding', () => {
    const picture: GraphPicture = {
      background: '#fff',
      text: '#000',
      edges: [],
      nodes: [
        { id: 'a', name: 'a', detail: '', x: -10, y: 5, width: 40, height: 20, fill: '#eee', stroke: '#999', text: '#000' },
        { id: 'b', name: 'b', detail: '', x: 200, y: 100, width: 50, height: 30, fill: '#eee', stroke: '#999', text: '#000' },
      ],
    };
    expect(pictureBounds(picture)).toEqual({ x: -10 - IMAGE_PADDING, y: 5 - IMAGE_PADDING, width: 260 + 2 * IMAGE_PADDING, height: 125 + 2 * IMAGE_PADDING });
  });

  it('draws the PNG at 2×, or smaller when a side would pass the canvas limit', () => {
    expect(pngScale(800, 300)).toBe(2);
    expect(pngScale(20_000, 500) * 20_000).toBe(MAX_PNG_SIDE);
    expect(pngScale(500, 6_000) * 6_000).toBeLessThanOrEqual(MAX_PNG_SIDE);
  });

  it('reads React Flow positions from CSS transforms', () => {
    expect(lastTranslate('translate(12px, -34.5px)')).toEqual([12, -34.5]);
    expect(lastTranslate('translate(-50%, -50%) translate(7px, 8px)')).toEqual([7, 8]);
    expect(lastTranslate('none')).toBeNull();
  });

  it('describes each node in one line', () => {
    const [x1, , h1, , , output] = worked().nodes;
    expect([nodeDetail(x1!), nodeDetail(h1!), nodeDetail(output!)]).toEqual(['x1', 'relu', 'loss mse']);
  });
});
