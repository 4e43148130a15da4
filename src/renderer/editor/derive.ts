/**
 * React Flow's nodes and edges, derived from the document, the core's validation report, the example run and the
 * view state. Objects are reused while nothing they show changed, so React Flow and the memoised node components
 * skip unchanged nodes (a drag of one node in a 300-node graph re-renders one node).
 */
import { Position } from '@xyflow/react';
import type { NetworkDocument, NetworkNode, Position as XY } from '../../core/document';
import type { Problem } from '../../core/graph';
import { edgeBlockShape } from '../../core/graph';
import { NODE_TYPES } from '../../core/nodes';
import type { ValidationReport } from '../../core/validate';
import type { ExampleRun, NodeValues } from './trace';
import type { FlowNodeData, NetworkFlowNode, WeightEdgeData, WeightFlowEdge } from './types';

export interface Measured {
  width: number;
  height: number;
}

export interface DeriveInput {
  doc: NetworkDocument;
  report: ValidationReport;
  run: ExampleRun;
  example: Readonly<Record<string, readonly number[]>>;
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  dragPositions: Readonly<Record<string, XY>> | null;
  measured: ReadonlyMap<string, Measured>;
  /**
   * Give each node not yet measured an estimated size and handle positions (a large document: React Flow then draws
   * only the nodes in view instead of drawing, measuring and dropping every one of them first).
   */
  estimate?: boolean;
}

/** A node's size before it is measured: a neuron is a 64-px circle with its name above and value below, the rest boxes. */
export function estimatedSize(type: NetworkNode['type']): Measured {
  return type === 'neuron' ? { width: 96, height: 100 } : { width: 148, height: 64 };
}

/** Handles where the views put them: on the circle's middle for a neuron, at mid-height of a box otherwise. */
function estimatedHandles(type: NetworkNode['type'], size: Measured): NonNullable<NetworkFlowNode['handles']> {
  const y = type === 'neuron' ? 50 : size.height / 2;
  const info = NODE_TYPES[type];
  const handles: NonNullable<NetworkFlowNode['handles']> = [];
  if (info.maxInputs > 0) handles.push({ type: 'target', position: Position.Left, x: type === 'neuron' ? 16 - 5 : -5, y: y - 5, width: 10, height: 10 });
  if (info.hasOutput) handles.push({ type: 'source', position: Position.Right, x: type === 'neuron' ? 80 - 5 : size.width - 5, y: y - 5, width: 10, height: 10 });
  return handles;
}

const NO_PROBLEMS: readonly Problem[] = [];

function sameNumbers(a: readonly number[] | null | undefined, b: readonly number[] | null | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function sameValues(a: NodeValues | undefined, b: NodeValues | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return sameNumbers(a.z, b.z) && sameNumbers(a.a, b.a);
}

function sameProblems(a: readonly Problem[], b: readonly Problem[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((p, i) => p.message === b[i]!.message && p.severity === b[i]!.severity);
}

/** Problems by node id and the ids of edges named in an error. */
export function problemsByElement(report: ValidationReport): { nodes: Map<string, Problem[]>; edges: Set<string> } {
  const nodes = new Map<string, Problem[]>();
  const edges = new Set<string>();
  for (const p of [...report.errors, ...report.warnings]) {
    for (const id of p.nodeIds) {
      const list = nodes.get(id);
      if (list) list.push(p);
      else nodes.set(id, [p]);
    }
    if (p.severity === 'error') for (const id of p.edgeIds) edges.add(id);
  }
  return { nodes, edges };
}

/** A stateful deriver: call it with each new input; it returns arrays whose unchanged items are the same objects. */
export function createDeriver() {
  let nodeCache = new Map<string, NetworkFlowNode>();
  let edgeCache = new Map<string, WeightFlowEdge>();

  function deriveNodes(input: DeriveInput, problems: Map<string, Problem[]>): NetworkFlowNode[] {
    const { doc, report, run, example, selectedNodes, dragPositions, measured, estimate = false } = input;
    const next = new Map<string, NetworkFlowNode>();
    const out: NetworkFlowNode[] = [];
    for (const node of doc.nodes) {
      const previous = nodeCache.get(node.id);
      const prevData = previous?.data as FlowNodeData | undefined;
      const size = report.sizes[node.id];
      const shape = report.shapes[node.id];
      const nodeProblems = problems.get(node.id) ?? NO_PROBLEMS;
      const values = run.ok ? run.values[node.id] : undefined;
      const ex = node.type === 'input' ? example[node.id] : undefined;
      const data: FlowNodeData<NetworkNode> =
        prevData && prevData.node === node && prevData.size === size && sameNumbers(prevData.shape, shape) && sameProblems(prevData.problems, nodeProblems) &&
        sameValues(prevData.values, values) && sameNumbers(prevData.example, ex)
          ? prevData
          : { node, size, shape, problems: nodeProblems, values, example: ex };
      const position = dragPositions?.[node.id] ?? node.position;
      const selected = selectedNodes.has(node.id);
      const m = measured.get(node.id);
      let rf: NetworkFlowNode;
      if (
        previous && previous.data === data && previous.position.x === position.x && previous.position.y === position.y &&
        (previous.selected ?? false) === selected && previous.measured?.width === m?.width && previous.measured?.height === m?.height &&
        previous.type === node.type && (m !== undefined || (previous.handles !== undefined) === estimate)
      ) {
        rf = previous;
      } else if (!m && estimate) {
        const size = estimatedSize(node.type);
        rf = {
          id: node.id, type: node.type, position, data, selected,
          initialWidth: size.width, initialHeight: size.height, handles: estimatedHandles(node.type, size),
        } as NetworkFlowNode;
      } else {
        rf = { id: node.id, type: node.type, position, data, selected, ...(m ? { measured: m } : {}) } as NetworkFlowNode;
      }
      next.set(node.id, rf);
      out.push(rf);
    }
    nodeCache = next;
    return out;
  }

  function deriveEdges(input: DeriveInput, problemEdges: Set<string>): WeightFlowEdge[] {
    const { doc, report, selectedEdges } = input;
    const analysis = report.analysis;
    const next = new Map<string, WeightFlowEdge>();
    const out: WeightFlowEdge[] = [];
    for (const edge of doc.edges) {
      const target = analysis.nodesById[edge.target];
      let kind: WeightEdgeData['kind'] = 'plain';
      let weight: number | undefined;
      let shape: string | undefined;
      if (target && NODE_TYPES[target.type].weighted) {
        const block = edgeBlockShape(analysis, edge);
        if (block && block.rows === 1 && block.cols === 1) {
          kind = 'weight';
          weight = edge.weights?.[0];
        } else {
          kind = 'block';
          shape = block ? `${block.rows}×${block.cols}` : '?×?';
        }
      }
      const problem = problemEdges.has(edge.id);
      const selected = selectedEdges.has(edge.id);
      const previous = edgeCache.get(edge.id);
      const d = previous?.data;
      let rf: WeightFlowEdge;
      if (
        previous && d && previous.source === edge.source && previous.target === edge.target && d.kind === kind &&
        Object.is(d.weight, weight) && d.shape === shape && d.problem === problem && (previous.selected ?? false) === selected
      ) {
        rf = previous;
      } else {
        rf = { id: edge.id, source: edge.source, target: edge.target, type: 'weight', selected, data: { kind, weight, shape, problem } };
      }
      next.set(edge.id, rf);
      out.push(rf);
    }
    edgeCache = next;
    return out;
  }

  return (input: DeriveInput): { nodes: NetworkFlowNode[]; edges: WeightFlowEdge[] } => {
    const { nodes, edges } = problemsByElement(input.report);
    return { nodes: deriveNodes(input, nodes), edges: deriveEdges(input, edges) };
  };
}
