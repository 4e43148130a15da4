/**
 * The graph as an image. The SVG is drawn from what the canvas shows: each edge's bezier path with its current
 * colour and width (live weights while training), each node as a rounded box with its name and a line about it
 * (from the document), each weight label. Positions are flow coordinates read from React Flow's DOM, so the picture
 * is the whole network whatever the zoom. The PNG is that SVG drawn on a canvas at 2×.
 */
import type { NetworkDocument, NetworkNode } from '../../core/document';
import { RENDERER_KINDS } from '../kinds';

export interface PictureNode {
  id: string;
  name: string;
  detail: string;
  x: number;
  y: number;
  width: number;
  height: number;
  fill: string;
  stroke: string;
  text: string;
  /** A Neuron is drawn as the canvas draws it: a circle (in flow coordinates) with its name above. */
  circle?: { cx: number; cy: number; r: number; bias: string };
  /** The colour of a box's left edge (its kind), if it has one. */
  accent?: string;
}

export interface PictureEdge {
  id: string;
  d: string;
  stroke: string;
  width: number;
  opacity: number;
  label?: { text: string; x: number; y: number };
}

export interface GraphPicture {
  background: string;
  text: string;
  nodes: PictureNode[];
  edges: PictureEdge[];
}

/** One line saying what a node is: "tanh", "8 units · relu", "x, y", "binary cross-entropy". */
export function nodeDetail(node: NetworkNode): string {
  const kind = RENDERER_KINDS[node.type] as { detail(n: NetworkNode): string } | undefined;
  return kind ? kind.detail(node) : String(node.type);
}

/** "translate(12px, 34.5px)" → [12, 34.5]: the last translate in a CSS transform (React Flow's node and label positions). */
export function lastTranslate(transform: string): [number, number] | null {
  const all = [...transform.matchAll(/translate\(\s*(-?[\d.e+-]+)px\s*,\s*(-?[\d.e+-]+)px\s*\)/g)];
  const m = all.at(-1);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

const DEFAULT_NODE = { width: 150, height: 56 };

function computed(el: Element | null, property: string, fallback: string): string {
  if (!el) return fallback;
  const value = getComputedStyle(el).getPropertyValue(property).trim();
  return value === '' || value === 'rgba(0, 0, 0, 0)' || value === 'transparent' ? fallback : value;
}

/**
 * Read the picture from a React Flow canvas (`root` holds `.react-flow__node` and `.react-flow__edge` elements).
 * Nodes come from the document (every node, in order), placed where the canvas has them; a node the canvas has not
 * drawn (yet) takes its document position and a default size.
 */
export function collectGraphPicture(root: HTMLElement, doc: NetworkDocument): GraphPicture {
  const pane = root.querySelector('.react-flow') ?? root;
  const background = computed(pane, 'background-color', '#ffffff');
  const text = computed(pane, 'color', '#1f2328');
  const byId = (selector: string) => {
    const map = new Map<string, Element>();
    for (const el of root.querySelectorAll(selector)) map.set(el.getAttribute('data-id') ?? '', el);
    return map;
  };
  const nodeElements = byId('.react-flow__node[data-id]');
  const edgeElements = byId('.react-flow__edge[data-id]');
  const nodes = doc.nodes.map((node): PictureNode => {
    const found = nodeElements.get(node.id);
    const el = found instanceof HTMLElement ? found : null;
    const at = el ? lastTranslate(el.style.transform) : null;
    const box = el?.firstElementChild ?? el;
    const x = at?.[0] ?? node.position.x;
    const y = at?.[1] ?? node.position.y;
    const width = el && el.offsetWidth > 0 ? el.offsetWidth : DEFAULT_NODE.width;
    const height = el && el.offsetHeight > 0 ? el.offsetHeight : DEFAULT_NODE.height;
    const base: PictureNode = {
      id: node.id,
      name: node.name.trim() === '' ? node.id : node.name,
      detail: nodeDetail(node),
      x,
      y,
      width,
      height,
      fill: computed(box, 'background-color', '#f6f8fa'),
      stroke: computed(box, 'border-top-color', '#8c959f'),
      text: computed(box, 'color', text),
    };
    if (node.type === 'neuron') {
      const body = el?.querySelector('.nw-neuron-body') ?? null;
      const outer = el?.getBoundingClientRect();
      const inner = body?.getBoundingClientRect();
      // Screen pixels per flow unit (the canvas's zoom), from the node's drawn and laid-out widths.
      const zoom = outer && el && outer.width > 0 && el.offsetWidth > 0 ? outer.width / el.offsetWidth : 1;
      const circle = outer && inner && inner.width > 0
        ? { cx: x + (inner.left - outer.left + inner.width / 2) / zoom, cy: y + (inner.top - outer.top + inner.height / 2) / zoom, r: inner.width / 2 / zoom }
        : { cx: x + width / 2, cy: y + height / 2, r: 32 };
      return {
        ...base,
        fill: computed(body, 'background-color', base.fill),
        stroke: computed(body, 'border-top-color', base.stroke),
        circle: { ...circle, bias: `b ${Number(node.bias.toPrecision(3))}` },
      };
    }
    const accent = computed(box, 'border-left-color', '');
    return accent !== '' && accent !== base.stroke ? { ...base, accent } : base;
  });
  const labels = new Map<string, { text: string; x: number; y: number }>();
  for (const el of root.querySelectorAll<HTMLElement>('.nw-edge-label[data-edge-id]')) {
    const at = lastTranslate(el.style.transform);
    const id = el.getAttribute('data-edge-id');
    const label = el.textContent?.trim() ?? '';
    if (id && at && label !== '') labels.set(id, { text: label, x: at[0], y: at[1] });
  }
  const edges: PictureEdge[] = [];
  for (const edge of doc.edges) {
    const el = edgeElements.get(edge.id);
    const path = el?.querySelector<SVGPathElement>('path.react-flow__edge-path') ?? null;
    const d = path?.getAttribute('d');
    if (!path || !d) continue;
    const style = getComputedStyle(path);
    const width = Number.parseFloat(style.strokeWidth);
    const opacity = Number.parseFloat(style.opacity);
    const label = labels.get(edge.id);
    edges.push({
      id: edge.id,
      d,
      stroke: computed(path, 'stroke', '#8c959f'),
      width: Number.isFinite(width) && width > 0 ? width : 1.6,
      opacity: Number.isFinite(opacity) ? opacity : 1,
      ...(label ? { label } : {}),
    });
  }
  return { background, text, nodes, edges };
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
const num = (v: number) => (Number.isFinite(v) ? String(Math.round(v * 100) / 100) : '0');

export const IMAGE_PADDING = 24;

/** The picture's bounds with padding: where the SVG's viewBox starts and how large it is. */
export function pictureBounds(picture: GraphPicture): { x: number; y: number; width: number; height: number } {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const n of picture.nodes) {
    minX = Math.min(minX, n.x);
    minY = Math.min(minY, n.y);
    maxX = Math.max(maxX, n.x + n.width);
    maxY = Math.max(maxY, n.y + n.height);
  }
  for (const e of picture.edges) {
    if (!e.label) continue;
    minX = Math.min(minX, e.label.x - 30);
    maxX = Math.max(maxX, e.label.x + 30);
    minY = Math.min(minY, e.label.y - 12);
    maxY = Math.max(maxY, e.label.y + 12);
  }
  if (!Number.isFinite(minX)) return { x: 0, y: 0, width: 200, height: 120 };
  return {
    x: minX - IMAGE_PADDING,
    y: minY - IMAGE_PADDING,
    width: maxX - minX + 2 * IMAGE_PADDING,
    height: maxY - minY + 2 * IMAGE_PADDING,
  };
}

/** The picture as a standalone SVG document. */
export function graphSvg(picture: GraphPicture, title = 'Network'): string {
  const b = pictureBounds(picture);
  const font = `font-family="Inter, system-ui, sans-serif"`;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(b.width)}" height="${num(b.height)}" viewBox="${num(b.x)} ${num(b.y)} ${num(b.width)} ${num(b.height)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="${num(b.x)}" y="${num(b.y)}" width="${num(b.width)}" height="${num(b.height)}" fill="${escapeXml(picture.background)}"/>`,
    `<g class="edges" fill="none">`,
  ];
  for (const e of picture.edges) {
    out.push(`<path data-edge-id="${escapeXml(e.id)}" d="${escapeXml(e.d)}" stroke="${escapeXml(e.stroke)}" stroke-width="${num(e.width)}" stroke-opacity="${num(e.opacity)}"/>`);
  }
  out.push('</g>', `<g class="edge-labels" ${font} font-size="11" text-anchor="middle" dominant-baseline="central">`);
  for (const e of picture.edges) {
    if (!e.label) continue;
    const w = Math.max(24, e.label.text.length * 6.6 + 8);
    out.push(
      `<rect x="${num(e.label.x - w / 2)}" y="${num(e.label.y - 8)}" width="${num(w)}" height="16" rx="4" fill="${escapeXml(picture.background)}" fill-opacity="0.9"/>`,
      `<text x="${num(e.label.x)}" y="${num(e.label.y)}" fill="${escapeXml(picture.text)}">${escapeXml(e.label.text)}</text>`,
    );
  }
  out.push('</g>', `<g class="nodes" ${font}>`);
  for (const n of picture.nodes) {
    const cx = n.x + n.width / 2;
    if (n.circle) {
      const c = n.circle;
      out.push(
        `<g data-node-id="${escapeXml(n.id)}">`,
        `<circle cx="${num(c.cx)}" cy="${num(c.cy)}" r="${num(c.r)}" fill="${escapeXml(n.fill)}" stroke="${escapeXml(n.stroke)}" stroke-width="2"/>`,
        `<text x="${num(c.cx)}" y="${num(c.cy - c.r - 7)}" text-anchor="middle" font-size="13" font-weight="600" fill="${escapeXml(n.text)}">${escapeXml(n.name)}</text>`,
        `<text x="${num(c.cx)}" y="${num(c.cy - 1)}" text-anchor="middle" font-size="12" font-weight="600" fill="${escapeXml(n.stroke)}">${escapeXml(n.detail)}</text>`,
        `<text x="${num(c.cx)}" y="${num(c.cy + 14)}" text-anchor="middle" font-size="10.5" fill="${escapeXml(n.text)}" fill-opacity="0.75">${escapeXml(c.bias)}</text>`,
        '</g>',
      );
      continue;
    }
    out.push(
      `<g data-node-id="${escapeXml(n.id)}">`,
      `<rect x="${num(n.x)}" y="${num(n.y)}" width="${num(n.width)}" height="${num(n.height)}" rx="8" fill="${escapeXml(n.fill)}" stroke="${escapeXml(n.stroke)}" stroke-width="1.2"/>`,
      ...(n.accent ? [`<rect x="${num(n.x)}" y="${num(n.y + 1)}" width="4" height="${num(n.height - 2)}" rx="2" fill="${escapeXml(n.accent)}"/>`] : []),
      `<text x="${num(cx)}" y="${num(n.y + n.height / 2 - 3)}" text-anchor="middle" font-size="13" font-weight="600" fill="${escapeXml(n.text)}">${escapeXml(n.name)}</text>`,
      `<text x="${num(cx)}" y="${num(n.y + n.height / 2 + 13)}" text-anchor="middle" font-size="11" fill="${escapeXml(n.text)}" fill-opacity="0.75">${escapeXml(n.detail)}</text>`,
      '</g>',
    );
  }
  out.push('</g>', '</svg>', '');
  return out.join('\n');
}

/** Browsers refuse canvases much larger than this on a side; a big network is drawn at a smaller scale instead. */
export const MAX_PNG_SIDE = 8192;

/** The scale a picture of `width` × `height` is drawn at: `preferred`, or less so that no side exceeds MAX_PNG_SIDE. */
export function pngScale(width: number, height: number, preferred = 2): number {
  const largest = Math.max(width, height, 1);
  return Math.min(preferred, MAX_PNG_SIDE / largest);
}

/** Draw an SVG document onto a canvas `scale` times its size (less for a very large one) and encode it as PNG bytes. */
export async function svgToPng(svg: string, preferredScale = 2): Promise<Uint8Array> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.decoding = 'async';
    const loaded = new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('the SVG could not be drawn'));
    });
    image.src = url;
    await loaded;
    const scale = pngScale(image.naturalWidth, image.naturalHeight, preferredScale);
    const width = Math.max(1, Math.ceil(image.naturalWidth * scale));
    const height = Math.max(1, Math.ceil(image.naturalHeight * scale));
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('this browser cannot draw on a canvas');
    context.drawImage(image, 0, 0, width, height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('the canvas could not be encoded as PNG');
    return new Uint8Array(await blob.arrayBuffer());
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The image of the graph on screen (inside `root`) as SVG text or PNG bytes. */
export async function renderGraphImage(root: HTMLElement, doc: NetworkDocument, kind: 'png' | 'svg'): Promise<string | Uint8Array> {
  const svg = graphSvg(collectGraphPicture(root, doc), doc.name);
  return kind === 'svg' ? svg : svgToPng(svg);
}
