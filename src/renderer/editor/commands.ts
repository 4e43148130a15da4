/**
 * The editor's commands as pure functions of the document, built from the core's edits. Each returns the core's
 * EditResult shape (a new document, or a refusal with its reason), so store.edit() can apply it as one undo step.
 */
import type { NetworkDocument, NetworkEdge, NetworkNode, NodeType, Position } from '../../core/document';
import { addNode, connect, idCounter, removeEdges, removeNodes, type EditResult } from '../../core/edit';
import { nodeLabel } from '../../core/graph';
import { NODE_TYPES, createNode, isNodeType } from '../../core/nodes';
import { compileNetwork, writeWeights } from '../../core/network';
import { kindOf } from '../../core/kinds';

export type PlaceResult = { ok: true; doc: NetworkDocument; nodeId: string } | { ok: false; reason: string };

/** The prefix of a new node's id, and so of its default name: "dense3", "n4", "x1"… */
const idPrefix = (type: NodeType): string => kindOf(type).idPrefix;

/** Put a new node of `type` with its top-left corner at `position`. */
export function placeNode(doc: NetworkDocument, type: NodeType, position: Position): PlaceResult {
  const id = `${idPrefix(type)}${idCounter(doc)}`;
  const node = createNode(type, id, { x: Math.round(position.x), y: Math.round(position.y) });
  const added = addNode(doc, node);
  return added.ok ? { ok: true, doc: added.doc, nodeId: id } : added;
}

/**
 * Put a new node on an existing edge: source → new → target. When the new node cannot sit in the middle (an Input
 * takes nothing in, an Output gives nothing out) or a connection is refused, the whole insertion is refused.
 */
export function insertOnEdge(doc: NetworkDocument, type: NodeType, position: Position, edgeId: string): PlaceResult {
  const edge = doc.edges.find((e) => e.id === edgeId);
  if (!edge) return { ok: false, reason: `There is no connection "${edgeId}".` };
  const info = NODE_TYPES[type];
  if (info.maxInputs === 0 || !info.hasOutput) {
    return { ok: false, reason: `${info.label === 'Input' ? 'An Input' : 'An Output'} cannot go in the middle of a connection.` };
  }
  const placed = placeNode(doc, type, position);
  if (!placed.ok) return placed;
  const without = removeEdges(placed.doc, [edgeId]);
  const first = connect(without, edge.source, placed.nodeId);
  if (!first.ok) return first;
  const second = connect(first.doc, placed.nodeId, edge.target);
  if (!second.ok) return second;
  // Into a Concat the new edge keeps the old one's place.
  const doc2 = edge.order === undefined ? second.doc
    : { ...second.doc, edges: second.doc.edges.map((e) => (e.id === second.edge.id ? { ...e, order: edge.order } : e)) };
  return { ok: true, doc: doc2, nodeId: placed.nodeId };
}

/**
 * Put an existing node that has no connections yet on an edge (it was dragged onto it): source → node → target.
 * Refused with a reason when the node cannot sit there.
 */
export function insertExistingOnEdge(doc: NetworkDocument, nodeId: string, edgeId: string): EditResult {
  const edge = doc.edges.find((e) => e.id === edgeId);
  const node = doc.nodes.find((n) => n.id === nodeId);
  if (!edge) return { ok: false, reason: `There is no connection "${edgeId}".` };
  if (!node) return { ok: false, reason: `There is no node "${nodeId}".` };
  if (doc.edges.some((e) => e.source === nodeId || e.target === nodeId)) {
    return { ok: false, reason: `${nodeLabel(node)} is already connected: only a loose node can be dropped into a connection.` };
  }
  const info = NODE_TYPES[node.type];
  if (info.maxInputs === 0 || !info.hasOutput) {
    return { ok: false, reason: `${info.label === 'Input' ? 'An Input' : 'An Output'} cannot go in the middle of a connection.` };
  }
  const first = connect(removeEdges(doc, [edgeId]), edge.source, nodeId);
  if (!first.ok) return first;
  const second = connect(first.doc, nodeId, edge.target);
  if (!second.ok) return second;
  const result = edge.order === undefined ? second.doc
    : { ...second.doc, edges: second.doc.edges.map((e) => (e.id === second.edge.id ? { ...e, order: edge.order } : e)) };
  return { ok: true, doc: result };
}

/** Delete nodes (with their edges) and edges. */
export function deleteElements(doc: NetworkDocument, nodeIds: readonly string[], edgeIds: readonly string[]): NetworkDocument | null {
  if (nodeIds.length === 0 && edgeIds.length === 0) return null;
  return removeEdges(removeNodes(doc, nodeIds), edgeIds);
}

/** Move nodes (the end of a drag, or auto-layout) in one step. */
export function moveNodes(doc: NetworkDocument, positions: Readonly<Record<string, Position>>): NetworkDocument | null {
  let changed = false;
  const nodes = doc.nodes.map((node) => {
    const p = positions[node.id];
    if (!p || (p.x === node.position.x && p.y === node.position.y)) return node;
    changed = true;
    return { ...node, position: { x: p.x, y: p.y } };
  });
  return changed ? { ...doc, nodes } : null;
}

/** Fill every missing weight and bias from the document's initialiser (seeded); stored ones stay as they are. */
export function initialiseWeights(doc: NetworkDocument): EditResult {
  const compiled = compileNetwork(doc, { initializer: doc.training.initializer === 'document' ? 'glorotUniform' : doc.training.initializer });
  if (!compiled.ok) {
    const first = compiled.problems[0];
    return { ok: false, reason: `The weights cannot be initialised until the network is valid${first ? `: ${first.message}` : '.'}` };
  }
  return { ok: true, doc: writeWeights(doc, compiled.net) };
}

// ---- Clipboard -------------------------------------------------------------------------------------------------

export const CLIPBOARD_FORMAT = 'netwright-selection';

export interface ClipboardContent {
  format: typeof CLIPBOARD_FORMAT;
  version: 1;
  nodes: NetworkNode[];
  /** Only edges between copied nodes. */
  edges: NetworkEdge[];
}

/** The selected sub-graph as JSON text: the nodes and the edges between them (with their weights). */
export function copySelection(doc: NetworkDocument, nodeIds: ReadonlySet<string>): string | null {
  const nodes = doc.nodes.filter((n) => nodeIds.has(n.id));
  if (nodes.length === 0) return null;
  const edges = doc.edges.filter((e) => nodeIds.has(e.source) && nodeIds.has(e.target));
  const content: ClipboardContent = { format: CLIPBOARD_FORMAT, version: 1, nodes, edges };
  return JSON.stringify(content);
}

export function parseClipboard(text: string): { ok: true; content: ClipboardContent } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'The clipboard holds no Netwright nodes.' };
  }
  const v = value as Partial<ClipboardContent> | null;
  if (!v || typeof v !== 'object' || v.format !== CLIPBOARD_FORMAT || !Array.isArray(v.nodes) || !Array.isArray(v.edges)) {
    return { ok: false, reason: 'The clipboard holds no Netwright nodes.' };
  }
  for (const [i, n] of v.nodes.entries()) {
    if (!n || typeof n !== 'object' || !isNodeType((n as NetworkNode).type) || typeof (n as NetworkNode).id !== 'string') {
      return { ok: false, reason: `The pasted node number ${i + 1} is not a valid node.` };
    }
  }
  return { ok: true, content: v as ClipboardContent };
}

export type PasteResult = { ok: true; doc: NetworkDocument; nodeIds: string[]; edgeIds: string[] } | { ok: false; reason: string };

/**
 * Paste a copied sub-graph with fresh ids, moved by `offset`. Names stay as they were unless a node of the document
 * already has that name, in which case it gets " copy". Weights and edge order come along; every node is checked by
 * the core (addNode) and every edge by connect().
 */
export function pasteContent(doc: NetworkDocument, content: ClipboardContent, offset: Position): PasteResult {
  let next = doc;
  const idMap = new Map<string, string>();
  const names = new Set(doc.nodes.map((n) => n.name));
  const nodeIds: string[] = [];
  for (const node of content.nodes) {
    const id = `${idPrefix(node.type)}${idCounter(next)}`;
    const name = names.has(node.name) ? `${node.name} copy` : node.name;
    names.add(name);
    const copy = { ...structuredClone(node), id, name, position: { x: node.position.x + offset.x, y: node.position.y + offset.y } } as NetworkNode;
    const added = addNode(next, copy);
    if (!added.ok) return { ok: false, reason: `Cannot paste ${nodeLabel(node)}: ${added.reason}` };
    next = added.doc;
    idMap.set(node.id, id);
    nodeIds.push(id);
  }
  const edgeIds: string[] = [];
  for (const edge of content.edges) {
    const source = idMap.get(edge.source);
    const target = idMap.get(edge.target);
    if (!source || !target) continue;
    const joined = connect(next, source, target);
    if (!joined.ok) return { ok: false, reason: `Cannot paste a connection: ${joined.reason}` };
    const extra: Partial<NetworkEdge> = {};
    if (edge.weights !== undefined) extra.weights = [...edge.weights];
    if (edge.order !== undefined) extra.order = edge.order;
    next = Object.keys(extra).length === 0 ? joined.doc
      : { ...joined.doc, edges: joined.doc.edges.map((e) => (e.id === joined.edge.id ? { ...e, ...extra } : e)) };
    edgeIds.push(joined.edge.id);
  }
  return { ok: true, doc: next, nodeIds, edgeIds };
}
