/**
 * Graph analysis of a network document: which nodes can be evaluated in which order, how big each node's output is,
 * which edges feed which node, and what is structurally wrong. Never throws, whatever the document holds:
 * problems are reported, and everything that can still be worked out is worked out.
 *
 * Rules:
 * - An edge counts in the graph when both ends exist and it is not a self-loop. Of several nodes (or edges) sharing an
 *   id, the first one counts and the others are reported.
 * - Output sizes: input = features.length; neuron = 1; dense = units; activation/dropout = size of its single input;
 *   add = size of its inputs (all equal); concat = sum of its inputs; output = size of its single input.
 * - `order` is a topological order (ties broken by document order) of every node not on or after a cycle.
 */
import type { NetworkDocument, NetworkEdge, NetworkNode } from './document';
import { NODE_TYPES, isNodeType } from './nodes';

export type ProblemCode =
  // structure (found by analyzeGraph)
  | 'duplicate-node-id'
  | 'duplicate-edge-id'
  | 'unknown-node-type'
  | 'edge-unknown-node'
  | 'self-loop'
  | 'duplicate-edge'
  | 'cycle'
  | 'no-input'
  | 'input-has-incoming'
  | 'output-has-outgoing'
  | 'too-many-inputs'
  | 'input-no-features'
  | 'invalid-units'
  | 'add-size-mismatch'
  | 'output-size-mismatch'
  // semantics (found by validateDocument)
  | 'no-output'
  | 'multiple-outputs'
  | 'loss-activation-mismatch'
  | 'softmax-not-before-output'
  | 'weights-wrong-length'
  | 'weights-not-finite'
  | 'weights-on-unweighted'
  | 'bias-wrong-length'
  | 'bias-not-finite'
  | 'invalid-dropout-rate'
  | 'no-targets'
  | 'cannot-reach-output'
  | 'unused-input';

export interface Problem {
  severity: 'error' | 'warning';
  code: ProblemCode;
  /** Plain words a learner understands, naming nodes by their name. */
  message: string;
  /** The nodes the problem should be shown on. */
  nodeIds: string[];
  edgeIds: string[];
  /** The field of the node (or edge) at fault, e.g. 'units', 'weights', 'rate'. */
  field?: string;
}

export interface GraphAnalysis {
  /** Topological order of the nodes that can be ordered (not on a cycle, not downstream of one). */
  order: string[];
  /** Output vector size of every node whose size can be inferred. */
  sizes: Record<string, number>;
  /** Edges into each node. Into a Concat: sorted by `order` (absent last), ties in document order; elsewhere document order. */
  incoming: Record<string, NetworkEdge[]>;
  /** Edges out of each node, in document order. */
  outgoing: Record<string, NetworkEdge[]>;
  /** Each cycle as the node ids along it (the first is not repeated at the end). */
  cycles: string[][];
  problems: Problem[];
  /** The node that counts for each id (the first one with that id). */
  nodesById: Record<string, NetworkNode>;
}

/** How a node is called in messages: its name, or its id when it has none. */
export function nodeLabel(node: { name?: unknown; id?: unknown } | undefined): string {
  if (node === undefined) return '?';
  const name = typeof node.name === 'string' && node.name.trim() !== '' ? node.name : String(node.id);
  return `"${name}"`;
}

function edgeLabel(edge: NetworkEdge, byId: Record<string, NetworkNode>): string {
  const from = byId[edge.source] ? nodeLabel(byId[edge.source]) : `"${String(edge.source)}"`;
  const to = byId[edge.target] ? nodeLabel(byId[edge.target]) : `"${String(edge.target)}"`;
  return `${from} → ${to}`;
}

const err = (code: ProblemCode, message: string, nodeIds: string[], edgeIds: string[] = [], field?: string): Problem =>
  field === undefined ? { severity: 'error', code, message, nodeIds, edgeIds } : { severity: 'error', code, message, nodeIds, edgeIds, field };

const isPositiveInt = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0;

/** Concat inputs: ascending `order` (absent last); ties keep file order (the sort is stable; since version 3). */
function compareConcatEdges(a: NetworkEdge, b: NetworkEdge): number {
  const ao = typeof a.order === 'number' && Number.isFinite(a.order) ? a.order : Infinity;
  const bo = typeof b.order === 'number' && Number.isFinite(b.order) ? b.order : Infinity;
  return ao === bo ? 0 : ao < bo ? -1 : 1;
}

export function analyzeGraph(doc: NetworkDocument): GraphAnalysis {
  const problems: Problem[] = [];
  const rawNodes: unknown[] = Array.isArray(doc?.nodes) ? doc.nodes : [];
  const rawEdges: unknown[] = Array.isArray(doc?.edges) ? doc.edges : [];

  // Nodes: the first of each id counts.
  const nodesById: Record<string, NetworkNode> = Object.create(null);
  const nodes: NetworkNode[] = [];
  const index: Record<string, number> = Object.create(null);
  const reportedDupNode = new Set<string>();
  for (const raw of rawNodes) {
    if (typeof raw !== 'object' || raw === null) continue;
    const node = raw as NetworkNode;
    if (typeof node.id !== 'string') continue;
    if (!isNodeType(node.type)) {
      problems.push(err('unknown-node-type', `${nodeLabel(node)} has an unknown type "${String(node.type)}".`, [node.id], [], 'type'));
      continue;
    }
    if (nodesById[node.id] !== undefined) {
      if (!reportedDupNode.has(node.id)) {
        reportedDupNode.add(node.id);
        problems.push(err('duplicate-node-id', `Two nodes share the id "${node.id}": every node needs its own id.`, [node.id]));
      }
      continue;
    }
    nodesById[node.id] = node;
    index[node.id] = nodes.length;
    nodes.push(node);
  }

  const incoming: Record<string, NetworkEdge[]> = Object.create(null);
  const outgoing: Record<string, NetworkEdge[]> = Object.create(null);
  for (const node of nodes) {
    incoming[node.id] = [];
    outgoing[node.id] = [];
  }

  // Edges: both ends must exist, no self-loops; the first of each id counts; the same pair twice is reported.
  const edgeIds = new Set<string>();
  const reportedDupEdge = new Set<string>();
  const pairs = new Map<string, NetworkEdge>();
  for (const raw of rawEdges) {
    if (typeof raw !== 'object' || raw === null) continue;
    const edge = raw as NetworkEdge;
    if (typeof edge.id !== 'string') continue;
    if (edgeIds.has(edge.id)) {
      if (!reportedDupEdge.has(edge.id)) {
        reportedDupEdge.add(edge.id);
        problems.push(err('duplicate-edge-id', `Two connections share the id "${edge.id}": every connection needs its own id.`, [], [edge.id]));
      }
      continue;
    }
    edgeIds.add(edge.id);
    const source = typeof edge.source === 'string' ? nodesById[edge.source] : undefined;
    const target = typeof edge.target === 'string' ? nodesById[edge.target] : undefined;
    if (source === undefined || target === undefined) {
      const missing = [source === undefined ? `"${String(edge.source)}"` : undefined, target === undefined ? `"${String(edge.target)}"` : undefined]
        .filter((s) => s !== undefined).join(' and ');
      const known = [source?.id, target?.id].filter((s): s is string => s !== undefined);
      problems.push(err('edge-unknown-node', `The connection ${edgeLabel(edge, nodesById)} points to ${missing}, which is not in the network.`,
        known, [edge.id], source === undefined ? 'source' : 'target'));
      continue;
    }
    if (source.id === target.id) {
      problems.push(err('self-loop', `${nodeLabel(source)} is connected to itself: a node cannot take its own output as input.`, [source.id], [edge.id]));
      continue;
    }
    const pair = `${source.id}\u0000${target.id}`;
    const first = pairs.get(pair);
    if (first !== undefined) {
      problems.push(err('duplicate-edge', `${nodeLabel(source)} is connected to ${nodeLabel(target)} twice: remove one of the connections.`,
        [source.id, target.id], [first.id, edge.id]));
    } else {
      pairs.set(pair, edge);
    }
    incoming[target.id]!.push(edge);
    outgoing[source.id]!.push(edge);
  }
  for (const node of nodes) if (node.type === 'concat') incoming[node.id]!.sort(compareConcatEdges);

  // Per-node input counts.
  for (const node of nodes) {
    const info = NODE_TYPES[node.type];
    const ins = incoming[node.id]!;
    if (node.type === 'input') {
      if (ins.length > 0) {
        problems.push(err('input-has-incoming', `${nodeLabel(node)} is an Input, so nothing can connect into it: remove the connection from ${ins.map((e) => nodeLabel(nodesById[e.source])).join(', ')}.`,
          [node.id], ins.map((e) => e.id)));
      }
    } else if (ins.length < info.minInputs) {
      problems.push(err('no-input', `${nodeLabel(node)} has no input: connect something into it.`, [node.id]));
    } else if (ins.length > info.maxInputs) {
      problems.push(err('too-many-inputs', `${nodeLabel(node)} takes ${info.maxInputs === 1 ? 'one input' : `at most ${info.maxInputs} inputs`} but has ${ins.length}: remove ${ins.length - info.maxInputs === 1 ? 'a connection' : 'connections'} into it.`,
        [node.id], ins.map((e) => e.id)));
    }
    if (!info.hasOutput && outgoing[node.id]!.length > 0) {
      const outs = outgoing[node.id]!;
      problems.push(err('output-has-outgoing', `${nodeLabel(node)} is an Output and ends the network: it cannot feed ${outs.map((e) => nodeLabel(nodesById[e.target])).join(', ')}.`,
        [node.id], outs.map((e) => e.id)));
    }
  }

  // Topological order (Kahn), ties broken by document order.
  const indegree: Record<string, number> = Object.create(null);
  for (const node of nodes) indegree[node.id] = incoming[node.id]!.length;
  const ready = new MinHeap();
  for (const n of nodes) if (indegree[n.id] === 0) ready.push(index[n.id]!);
  const order: string[] = [];
  while (ready.size > 0) {
    const node = nodes[ready.pop()]!;
    order.push(node.id);
    for (const edge of outgoing[node.id]!) {
      indegree[edge.target] = indegree[edge.target]! - 1;
      if (indegree[edge.target] === 0) ready.push(index[edge.target]!);
    }
  }

  // Cycles: one per strongly connected component with more than one node.
  const cycles = order.length === nodes.length ? [] : findCycles(nodes, index, outgoing);
  for (const cycle of cycles) {
    const names = [...cycle, cycle[0]!].map((id) => nodeLabel(nodesById[id])).join(' → ');
    const cycleEdges: string[] = [];
    for (let k = 0; k < cycle.length; k++) {
      const from = cycle[k]!;
      const to = cycle[(k + 1) % cycle.length]!;
      const e = outgoing[from]!.find((x) => x.target === to);
      if (e) cycleEdges.push(e.id);
    }
    problems.push(err('cycle', `These nodes form a cycle: ${names}. A network must flow one way: remove one of these connections.`, [...cycle], cycleEdges));
  }

  // Sizes: intrinsic ones first (they do not depend on the inputs), then the rest in topological order.
  const sizes: Record<string, number> = Object.create(null);
  for (const node of nodes) {
    if (node.type === 'input') {
      if (Array.isArray(node.features) && node.features.length > 0) sizes[node.id] = node.features.length;
      else problems.push(err('input-no-features', `${nodeLabel(node)} feeds no feature: give it at least one feature name.`, [node.id], [], 'features'));
    } else if (node.type === 'neuron') {
      sizes[node.id] = 1;
    } else if (node.type === 'dense') {
      if (isPositiveInt(node.units)) sizes[node.id] = node.units;
      else problems.push(err('invalid-units', `${nodeLabel(node)} has ${describeNumber(node.units)} units: a Dense layer needs a whole number of units, at least 1.`, [node.id], [], 'units'));
    }
  }
  for (const id of order) {
    const node = nodesById[id]!;
    const ins = incoming[id]!;
    const inSizes = ins.map((e) => sizes[e.source]);
    const allKnown = inSizes.length > 0 && inSizes.every((s) => s !== undefined);
    switch (node.type) {
      case 'activation':
      case 'dropout':
        if (ins.length === 1 && allKnown) sizes[id] = inSizes[0]!;
        break;
      case 'output':
        if (ins.length === 1 && allKnown) {
          sizes[id] = inSizes[0]!;
          const targets = Array.isArray(node.targets) ? node.targets.length : 0;
          if (targets > 0 && targets !== inSizes[0]) {
            problems.push(err('output-size-mismatch',
              `${nodeLabel(node)} receives ${inSizes[0]} value${inSizes[0] === 1 ? '' : 's'} from ${nodeLabel(nodesById[ins[0]!.source])} but is compared with ${targets} target${targets === 1 ? '' : 's'} (${node.targets.join(', ')}): they must match.`,
              [id, ins[0]!.source], [ins[0]!.id], 'targets'));
          }
        }
        break;
      case 'add':
        if (allKnown) {
          const distinct = new Set(inSizes);
          if (distinct.size === 1) sizes[id] = inSizes[0]!;
          else {
            const detail = ins.map((e, k) => `${nodeLabel(nodesById[e.source])} gives ${inSizes[k]}`).join(', ');
            problems.push(err('add-size-mismatch', `${nodeLabel(node)} adds inputs of different sizes (${detail}): they must all have the same size.`,
              [id, ...ins.map((e) => e.source)], ins.map((e) => e.id)));
          }
        }
        break;
      case 'concat':
        if (allKnown) sizes[id] = inSizes.reduce((a, b) => a! + b!, 0)!;
        break;
      default:
        break;
    }
  }

  return { order, sizes, incoming, outgoing, cycles, problems, nodesById };
}

/** Tarjan's strongly connected components; from each one with 2+ nodes, one simple cycle through its first node. */
function findCycles(nodes: NetworkNode[], index: Record<string, number>, outgoing: Record<string, NetworkEdge[]>): string[][] {
  const low: Record<string, number> = Object.create(null);
  const num: Record<string, number> = Object.create(null);
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  // Iterative to survive long chains.
  for (const root of nodes) {
    if (num[root.id] !== undefined) continue;
    const work: { id: string; next: number }[] = [{ id: root.id, next: 0 }];
    num[root.id] = low[root.id] = counter++;
    stack.push(root.id);
    onStack.add(root.id);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const outs = outgoing[frame.id]!;
      if (frame.next < outs.length) {
        const to = outs[frame.next++]!.target;
        if (num[to] === undefined) {
          num[to] = low[to] = counter++;
          stack.push(to);
          onStack.add(to);
          work.push({ id: to, next: 0 });
        } else if (onStack.has(to)) {
          low[frame.id] = Math.min(low[frame.id]!, num[to]!);
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.id;
        low[parent] = Math.min(low[parent]!, low[frame.id]!);
      }
      if (low[frame.id] === num[frame.id]) {
        const component: string[] = [];
        let id: string;
        do {
          id = stack.pop()!;
          onStack.delete(id);
          component.push(id);
        } while (id !== frame.id);
        if (component.length > 1) components.push(component);
      }
    }
  }
  const cycles: string[][] = [];
  for (const component of components) {
    const members = new Set(component);
    const start = component.reduce((a, b) => (index[a]! <= index[b]! ? a : b));
    // Breadth-first from start inside the component, back to start: a shortest cycle through it.
    const parent = new Map<string, string>();
    const queue = [start];
    let closing: string | undefined;
    for (let q = 0; q < queue.length && closing === undefined; q++) {
      const at = queue[q]!;
      for (const e of outgoing[at]!) {
        if (!members.has(e.target)) continue;
        if (e.target === start) {
          closing = at;
          break;
        }
        if (!parent.has(e.target)) {
          parent.set(e.target, at);
          queue.push(e.target);
        }
      }
    }
    if (closing === undefined) continue;
    const path: string[] = [];
    for (let id: string | undefined = closing; id !== undefined && id !== start; id = parent.get(id)) path.push(id);
    path.push(start);
    path.reverse();
    cycles.push(path);
  }
  cycles.sort((a, b) => index[a[0]!]! - index[b[0]!]!);
  return cycles;
}

function describeNumber(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === undefined) return 'no';
  return JSON.stringify(value) ?? String(value);
}

/** The shape of the weight block an edge into a Neuron or Dense carries, or undefined if it carries none or a size is unknown. */
export function edgeBlockShape(analysis: GraphAnalysis, edge: NetworkEdge): { rows: number; cols: number } | undefined {
  const target = analysis.nodesById[edge.target];
  if (target === undefined || !NODE_TYPES[target.type].weighted) return undefined;
  const rows = analysis.sizes[edge.source];
  const cols = analysis.sizes[edge.target];
  if (rows === undefined || cols === undefined) return undefined;
  return { rows, cols };
}

/** A binary min-heap of numbers (node indices), so ordering a wide graph stays O(n log n). */
class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const a = this.items;
    a.push(value);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= value) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = value;
  }

  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r]! < a[l]! ? r : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
