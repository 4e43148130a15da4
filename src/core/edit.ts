/**
 * Pure edits of a network document, for the editor (each one an undoable command there) and for tests.
 * Every edit returns a new document and leaves its input untouched; edits that can be refused return
 * `{ ok: false, reason }` with the reason in plain words, and never throw.
 */
import type { NetworkDocument, NetworkEdge, NetworkNode } from './document';
import { analyzeGraph, edgeBlockShape, nodeLabel } from './graph';
import { kindOf } from './kinds';
import { shapeSize, shapeText } from './kinds/kind';
import { NODE_TYPES, isNodeType } from './nodes';
import { checkSchema, nodeSchemas } from './schema';

export type EditResult = { ok: true; doc: NetworkDocument } | { ok: false; reason: string };
export type ConnectResult = { ok: true; doc: NetworkDocument; edge: NetworkEdge } | { ok: false; reason: string };

/** The number the next new id gets: at least `nextId`, and above the number ending any id in the document. */
export function idCounter(doc: NetworkDocument): number {
  let next = typeof doc.nextId === 'number' && Number.isInteger(doc.nextId) && doc.nextId > 0 ? doc.nextId : 1;
  const bump = (id: unknown) => {
    if (typeof id !== 'string') return;
    const m = /(\d+)$/.exec(id);
    if (m) {
      const n = Number(m[1]);
      if (Number.isSafeInteger(n) && n + 1 > next) next = n + 1;
    }
  };
  for (const node of doc.nodes) bump(node.id);
  for (const edge of doc.edges) bump(edge.id);
  return next;
}

/**
 * A fresh id: `prefix` followed by a number no id of this document has used, ever. Calling it twice on the same
 * document gives the same id (it is pure); adding a node or edge with that id moves the counter on, and deleting it
 * does not move it back, so ids are never reused.
 */
export function newId(doc: NetworkDocument, prefix: string): string {
  return `${prefix}${idCounter(doc)}`;
}

/** Several fresh ids at once, plus the document with its counter moved past them. */
export function newIds(doc: NetworkDocument, prefixes: readonly string[]): { ids: string[]; doc: NetworkDocument } {
  let n = idCounter(doc);
  const ids = prefixes.map((p) => `${p}${n++}`);
  return { ids, doc: { ...doc, nextId: n } };
}

/** The document with its id counter moved past every id it now holds. */
function withCounter(doc: NetworkDocument): NetworkDocument {
  return { ...doc, nextId: idCounter(doc) };
}

function findNode(doc: NetworkDocument, id: string): NetworkNode | undefined {
  return doc.nodes.find((n) => n.id === id);
}

function idTaken(doc: NetworkDocument, id: string): boolean {
  return doc.nodes.some((n) => n.id === id) || doc.edges.some((e) => e.id === id);
}

/** Add a node (make one with createNode and newId). Refused if its id is taken or a field is out of range. */
export function addNode(doc: NetworkDocument, node: NetworkNode): EditResult {
  if (!isNodeType(node.type)) return { ok: false, reason: `"${String(node.type)}" is not a kind of node.` };
  const checked = checkSchema(nodeSchemas[node.type] as typeof nodeSchemas.neuron, node);
  if (!checked.ok) return { ok: false, reason: `The new node is not valid: ${checked.message}.` };
  if (idTaken(doc, node.id)) return { ok: false, reason: `The id "${node.id}" is already used in this network.` };
  return { ok: true, doc: withCounter({ ...doc, nodes: [...doc.nodes, checked.value as NetworkNode] }) };
}

/** Remove nodes and every edge touching them. Unknown ids are ignored; their ids stay used (nextId keeps past them). */
export function removeNodes(doc: NetworkDocument, nodeIds: readonly string[]): NetworkDocument {
  const gone = new Set(nodeIds);
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !gone.has(n.id)),
    edges: doc.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target)),
    nextId: idCounter(doc),
  };
}

/** Remove edges. Unknown ids are ignored. */
export function removeEdges(doc: NetworkDocument, edgeIds: readonly string[]): NetworkDocument {
  const gone = new Set(edgeIds);
  return { ...doc, edges: doc.edges.filter((e) => !gone.has(e.id)), nextId: idCounter(doc) };
}

/** Whether `to` can be reached from `from` along edges. */
function reaches(doc: NetworkDocument, from: string, to: string): boolean {
  const out = new Map<string, string[]>();
  for (const e of doc.edges) {
    const list = out.get(e.source);
    if (list) list.push(e.target);
    else out.set(e.source, [e.target]);
  }
  const seen = new Set([from]);
  const queue = [from];
  for (let q = 0; q < queue.length; q++) {
    if (queue[q] === to) return true;
    for (const next of out.get(queue[q]!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}

/**
 * Connect `source` to `target` with a new edge (no weights yet: they come at training time or from setEdgeWeight).
 * Refuses, with a reason a learner understands: unknown nodes, a self-loop, an existing connection, a cycle, an Input
 * as target, an Output as source, a target that already has all the inputs it takes, or an Add input of another size
 * than the Add's other inputs. Into a Concat, the new edge goes last.
 */
export function connect(doc: NetworkDocument, source: string, target: string): ConnectResult {
  const from = findNode(doc, source);
  const to = findNode(doc, target);
  if (!from) return { ok: false, reason: `There is no node "${source}" to connect from.` };
  if (!to) return { ok: false, reason: `There is no node "${target}" to connect to.` };
  if (source === target) return { ok: false, reason: `${nodeLabel(from)} cannot take its own output as input.` };
  if (!NODE_TYPES[from.type].hasOutput) return { ok: false, reason: `${nodeLabel(from)} is an Output: it ends the network, so nothing can come out of it.` };
  if (NODE_TYPES[to.type].maxInputs === 0) return { ok: false, reason: `${nodeLabel(to)} is an Input: it takes its values from the data, not from other nodes.` };
  if (doc.edges.some((e) => e.source === source && e.target === target)) {
    return { ok: false, reason: `${nodeLabel(from)} is already connected to ${nodeLabel(to)}.` };
  }
  const max = NODE_TYPES[to.type].maxInputs;
  const ins = doc.edges.filter((e) => e.target === target);
  if (ins.length >= max) {
    return { ok: false, reason: `${nodeLabel(to)} takes ${max === 1 ? 'only one input' : `at most ${max} inputs`} and already has ${max === 1 ? 'one' : ins.length}: remove that connection first.` };
  }
  if (reaches(doc, target, source)) {
    return { ok: false, reason: `Connecting ${nodeLabel(from)} to ${nodeLabel(to)} would make a loop, because ${nodeLabel(to)} already feeds ${nodeLabel(from)}. A network must flow one way.` };
  }
  // The target's kind must accept the new input's shape (an Add refuses another size than its other inputs').
  const analysis = analyzeGraph(doc);
  const kind = kindOf(to.type);
  const { ids, doc: counted } = newIds(doc, ['e']);
  const edge: NetworkEdge = { id: ids[0]!, source, target };
  if (analysis.shapes[source] !== undefined && ins.length > 0) {
    const edges = [...ins, edge];
    kind.sortInputs?.(edges);
    const inferred = kind.infer({ node: to, inputs: edges.map((e) => analysis.shapes[e.source]), edges, nodesById: analysis.nodesById });
    if (inferred !== undefined && 'problem' in inferred) return { ok: false, reason: inferred.problem.message };
  }
  Object.assign(edge, kind.newEdge?.(ins) ?? {});
  return { ok: true, doc: { ...counted, edges: [...counted.edges, edge] }, edge };
}

/**
 * Set one weight of an edge's block: `index` = i·cols + j for source unit i → target unit j (0 for a scalar edge).
 * A 1×1 block without weights gets one; a larger block must be initialised first (setting one weight of an
 * uninitialised block would silently fix all the others at some value).
 */
export function setEdgeWeight(doc: NetworkDocument, edgeId: string, index: number, value: number): EditResult {
  const edge = doc.edges.find((e) => e.id === edgeId);
  if (!edge) return { ok: false, reason: `There is no connection "${edgeId}".` };
  const analysis = analyzeGraph(doc);
  const target = analysis.nodesById[edge.target];
  const conn = `the connection ${nodeLabel(analysis.nodesById[edge.source])} → ${nodeLabel(target)}`;
  if (!target || !NODE_TYPES[target.type].weighted) {
    return { ok: false, reason: `${capitalise(conn)} has no weight: only connections into a Neuron or a Dense layer do.` };
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return { ok: false, reason: `A weight must be a finite number, not ${String(value)}.` };
  const shape = edgeBlockShape(analysis, edge);
  if (!shape) return { ok: false, reason: `The size of ${conn} is not known yet: fix the errors on its nodes first.` };
  const length = shape.rows * shape.cols;
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    return { ok: false, reason: `${capitalise(conn)} has ${length} weight${length === 1 ? '' : 's'}; there is no weight number ${index + 1}.` };
  }
  let weights: number[];
  if (edge.weights === undefined || edge.weights.length !== length) {
    if (length !== 1) return { ok: false, reason: `The weights of ${conn} are not set yet: initialise the network (or take a training step) first.` };
    weights = [value];
  } else {
    weights = [...edge.weights];
    weights[index] = value;
  }
  return { ok: true, doc: { ...doc, edges: doc.edges.map((e) => (e.id === edgeId ? { ...e, weights } : e)) } };
}

/**
 * Set one field of a node (`units`, `activation`, `bias`, `rate`, `name`, `position`, …), checked against the node
 * type's schema. When the change alters the size of a weight block (units, features), the weights of the blocks that
 * changed shape (and a Dense layer's biases) are dropped, to be initialised again at training time.
 */
export function setNodeField(doc: NetworkDocument, nodeId: string, field: string, value: unknown): EditResult {
  const node = findNode(doc, nodeId);
  if (!node) return { ok: false, reason: `There is no node "${nodeId}".` };
  if (field === 'id' || field === 'type') return { ok: false, reason: `The ${field} of a node cannot be changed.` };
  const schema = nodeSchemas[node.type];
  if (!Object.prototype.hasOwnProperty.call((schema as unknown as { shape: object }).shape, field)) {
    const label = NODE_TYPES[node.type].label;
    return { ok: false, reason: `${nodeLabel(node)} is ${/^[AEIOU]/.test(label) ? 'an' : 'a'} ${label} and has no "${field}".` };
  }
  const updated: Record<string, unknown> = { ...node, [field]: value };
  if (value === undefined) delete updated[field];
  const checked = checkSchema(schema as typeof nodeSchemas.neuron, updated);
  if (!checked.ok) return { ok: false, reason: `${nodeLabel(node)}: ${checked.message}.` };
  const slot = kindOf(node.type).slots.find((s) => s.on === 'node' && s.name === field);
  const analysis = analyzeGraph(doc);
  const shape = analysis.shapes[node.id];
  const firstIn = (analysis.incoming[node.id] ?? [])[0];
  const want = slot && shape ? slot.shape(checked.value, shape, firstIn === undefined ? undefined : analysis.shapes[firstIn.source]) : null;
  if (want && Array.isArray(value) && value.length !== shapeSize(want)) {
    const n = shapeSize(want);
    return { ok: false, reason: `${nodeLabel(node)} gives ${n} value${n === 1 ? '' : 's'} (shape ${shapeText(want)}), so it needs ${n} ${field} values, not ${value.length}.` };
  }
  const next: NetworkDocument = { ...doc, nodes: doc.nodes.map((n) => (n.id === nodeId ? (checked.value as unknown as NetworkNode) : n)) };
  return { ok: true, doc: dropReshapedWeights(doc, next) };
}

/** Drop weight blocks whose shape changed between two versions of a document, and Dense biases of the wrong length. */
function dropReshapedWeights(before: NetworkDocument, after: NetworkDocument): NetworkDocument {
  const a = analyzeGraph(before);
  const b = analyzeGraph(after);
  let changed = false;
  const edges = after.edges.map((edge) => {
    if (edge.weights === undefined) return edge;
    const s0 = edgeBlockShape(a, edge);
    const s1 = edgeBlockShape(b, edge);
    if (s0 && s1 && s0.rows === s1.rows && s0.cols === s1.cols) return edge;
    if (!s0 && !s1) return edge;
    changed = true;
    const { weights: _dropped, ...rest } = edge;
    return rest;
  });
  const nodes = after.nodes.map((node) => {
    let out = node;
    const shape = b.shapes[node.id];
    for (const slot of kindOf(node.type).slots) {
      if (slot.on !== 'node' || !slot.read || !slot.clear) continue;
      const stored = slot.read(out);
      if (!Array.isArray(stored)) continue;
      const firstIn = (b.incoming[node.id] ?? [])[0];
      const want = shape === undefined ? null : slot.shape(out, shape, firstIn === undefined ? undefined : b.shapes[firstIn.source]);
      if (want === null || stored.length === shapeSize(want)) continue;
      changed = true;
      out = slot.clear(out) as NetworkNode;
    }
    return out;
  });
  return changed ? { ...after, nodes, edges } : after;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
