import type { DragEvent, ReactNode } from 'react';
import type { Edge, EdgeTypes, Node, NodeTypes, ReactFlowProps, XYPosition } from '@xyflow/react';
import { Background, BackgroundVariant, Controls, MiniMap, ReactFlow, useReactFlow } from '@xyflow/react';
import type { NodeType } from '../../core/document';
import { edgeTypes as editorEdgeTypes } from '../editor/edges';
import { nodeTypes as editorNodeTypes } from '../editor/registry';
import { isPaletteDrag, readPaletteDrop } from '../palette/items';
import { useTheme } from '../state/theme';
import './Canvas.css';

/** The grid every node snaps to, in flow units. */
export const GRID_SIZE = 16;
const SNAP_GRID: [number, number] = [GRID_SIZE, GRID_SIZE];
/** An empty canvas starts at 100 %, with the origin a little in from the corner. */
const DEFAULT_VIEWPORT = { x: 80, y: 80, zoom: 1 };

/** Node and edge components, registered at module scope so React Flow never sees a new object (editor/registry.tsx). */
export const nodeTypes: NodeTypes = editorNodeTypes;
export const edgeTypes: EdgeTypes = editorEdgeTypes;

const MINIMAP_CLASS: Record<string, string> = { input: 'mini-input', neuron: 'mini-neuron', dense: 'mini-dense', output: 'mini-output' };
const minimapClass = (node: Node) => MINIMAP_CLASS[node.type ?? ''] ?? 'mini-op';

export interface CanvasProps<N extends Node = Node, E extends Edge = Edge> {
  nodes: N[];
  edges: E[];
  /**
   * Called when a palette item is dropped, with the drop point in flow coordinates and on screen (to find an edge
   * under it). Without it, drops are refused.
   */
  onDropNodeType?: (type: NodeType, position: XYPosition, client: XYPosition) => void;
  /** The editor's handlers and settings for React Flow. */
  flowProps?: Omit<ReactFlowProps<N, E>, 'nodes' | 'edges'>;
  snapToGrid?: boolean;
  showMinimap?: boolean;
  /** Shown over the canvas (search box, hints, start screen). */
  children?: ReactNode;
  /** What the empty canvas says. */
  emptyHint?: string;
}

export function Canvas<N extends Node = Node, E extends Edge = Edge>({
  nodes, edges, onDropNodeType, flowProps, snapToGrid = true, showMinimap = true, children, emptyHint,
}: CanvasProps<N, E>) {
  const theme = useTheme((s) => s.theme);
  const { screenToFlowPosition } = useReactFlow();

  const onDragOver = (event: DragEvent) => {
    if (!onDropNodeType || !isPaletteDrag(event.dataTransfer)) return; // not preventing default refuses the drop
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  };

  const onDrop = (event: DragEvent) => {
    const type = readPaletteDrop(event.dataTransfer);
    if (!onDropNodeType || !type) return;
    event.preventDefault();
    const client = { x: event.clientX, y: event.clientY };
    onDropNodeType(type, screenToFlowPosition(client), client);
  };

  return (
    <main className="canvas" aria-label="Network canvas" tabIndex={-1} onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<N, E>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        colorMode={theme}
        defaultViewport={DEFAULT_VIEWPORT}
        snapToGrid={snapToGrid}
        snapGrid={SNAP_GRID}
        minZoom={0.1}
        maxZoom={4}
        {...flowProps}
      >
        <Background variant={BackgroundVariant.Dots} gap={GRID_SIZE} size={1.6} color="var(--grid-dot)" />
        <Controls position="bottom-left" />
        {showMinimap && <MiniMap position="bottom-right" pannable zoomable ariaLabel="Minimap" nodeClassName={minimapClass} />}
      </ReactFlow>
      {nodes.length === 0 && (
        <div className="canvas-empty" aria-hidden>
          <p className="canvas-empty-title">An empty network</p>
          <p className="canvas-empty-hint">{emptyHint ?? 'Drag to pan, scroll to zoom.'}</p>
        </div>
      )}
      {children}
    </main>
  );
}
