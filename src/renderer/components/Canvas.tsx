import type { DragEvent } from 'react';
import type { Edge, EdgeTypes, Node, NodeTypes, XYPosition } from '@xyflow/react';
import { Background, BackgroundVariant, Controls, MiniMap, ReactFlow, useReactFlow } from '@xyflow/react';
import type { NodeType } from '../../core/document';
import { isPaletteDrag, readPaletteDrop } from '../palette/items';
import { useTheme } from '../state/theme';
import './Canvas.css';

/** The grid every node snaps to, in flow units. */
export const GRID_SIZE = 16;
const SNAP_GRID: [number, number] = [GRID_SIZE, GRID_SIZE];

/** Node and edge components, registered at module scope so React Flow never sees a new object. The editor fills these. */
export const nodeTypes: NodeTypes = {};
export const edgeTypes: EdgeTypes = {};

export interface CanvasProps {
  nodes: Node[];
  edges: Edge[];
  /** Called when a palette item is dropped, with the drop point in flow coordinates. Without it, drops are refused. */
  onDropNodeType?: (type: NodeType, position: XYPosition) => void;
}

export function Canvas({ nodes, edges, onDropNodeType }: CanvasProps) {
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
    onDropNodeType(type, screenToFlowPosition({ x: event.clientX, y: event.clientY }));
  };

  return (
    <main className="canvas" aria-label="Network canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        colorMode={theme}
        fitView
        snapToGrid
        snapGrid={SNAP_GRID}
        minZoom={0.2}
        maxZoom={4}
      >
        <Background variant={BackgroundVariant.Dots} gap={GRID_SIZE} size={1.6} color="var(--grid-dot)" />
        <Controls position="bottom-left" />
        <MiniMap position="bottom-right" pannable zoomable ariaLabel="Minimap" />
      </ReactFlow>
      {nodes.length === 0 && (
        <div className="canvas-empty" aria-hidden>
          <p className="canvas-empty-title">An empty network</p>
          <p className="canvas-empty-hint">Drag to pan, scroll to zoom. Adding nodes is coming soon.</p>
        </div>
      )}
    </main>
  );
}
