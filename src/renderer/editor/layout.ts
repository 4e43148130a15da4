/**
 * Auto-layout with elkjs (layered, left to right), on the main thread: networks drawn by hand are small. Returns new
 * top-left positions, snapped to the grid; the caller applies them as one undo step.
 */
import type ElkConstructor from 'elkjs/lib/elk.bundled.js';
import type { NetworkDocument, Position } from '../../core/document';

type Elk = InstanceType<typeof ElkConstructor>;
let elk: Promise<Elk> | null = null;

/** elkjs is large: loaded on the first layout, not at startup. */
function loadElk(): Promise<Elk> {
  elk ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default());
  return elk;
}

export interface Size {
  width: number;
  height: number;
}

export async function layoutPositions(
  doc: NetworkDocument,
  sizeOf: (id: string) => Size | undefined,
  grid: number,
): Promise<Record<string, Position>> {
  const ids = new Set(doc.nodes.map((n) => n.id));
  const graph = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.spacing.nodeNode': '36',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children: doc.nodes.map((n) => {
      const size = sizeOf(n.id) ?? { width: 160, height: 80 };
      return { id: n.id, width: size.width, height: size.height };
    }),
    edges: doc.edges
      .filter((e) => ids.has(e.source) && ids.has(e.target) && e.source !== e.target)
      .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
  const result = await (await loadElk()).layout(graph);
  const positions: Record<string, Position> = {};
  for (const child of result.children ?? []) {
    positions[child.id] = { x: Math.round((child.x ?? 0) / grid) * grid, y: Math.round((child.y ?? 0) / grid) * grid };
  }
  return positions;
}
