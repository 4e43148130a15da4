/**
 * Explain mode as a sequence of stages a learner steps through with Next/Prev:
 *   Forward (one stage per Neuron/Dense/Activation node, inputs first) → Loss → Backward (one per node, from the
 *   loss toward the inputs) → Update (every weight old → new).
 * Each stage says what to show in the panel (title and formulas with the actual numbers), what to highlight on the
 * canvas, and the notes on nodes and edges (notes accumulate: a node keeps its z and a once computed).
 *
 * Applying the update is a real, undoable edit of the document (applyUpdate): the learner sees the network take the
 * step, and Undo takes it back. Before Apply it is a preview.
 */
import type { NetworkDocument, NetworkNode } from '../../core/document';
import { explainNumber as n, forwardFormula, type ExplainForward, type ExplainStep } from '../../core/explain';
import { writeNodeSlot } from '../../core/kinds/params';

export type Phase = 'forward' | 'loss' | 'backward' | 'update';

export interface Stage {
  phase: Phase;
  title: string;
  lines: string[];
  focusNodes: string[];
  focusEdges: string[];
  nodeNotes: Record<string, string[]>;
  edgeNotes: Record<string, string>;
}

/** Lines shown per node at most (a Dense layer lists its first units, then says how many more). */
export const MAX_UNIT_LINES = 4;

const wrap = (v: number) => (v < 0 ? `(${n(v)})` : n(v));

function nameOf(doc: NetworkDocument, id: string): string {
  return doc.nodes.find((x) => x.id === id)?.name ?? id;
}

function edgeName(doc: NetworkDocument, edgeId: string): string {
  const e = doc.edges.find((x) => x.id === edgeId);
  return e ? `${nameOf(doc, e.source)}→${nameOf(doc, e.target)}` : edgeId;
}

function group<T extends { nodeId: string }>(items: readonly T[]): [string, T[]][] {
  const out: [string, T[]][] = [];
  for (const item of items) {
    const last = out[out.length - 1];
    if (last && last[0] === item.nodeId) last[1].push(item);
    else out.push([item.nodeId, [item]]);
  }
  return out;
}

function limited(lines: string[], units: number): string[] {
  if (units <= MAX_UNIT_LINES) return lines;
  return [...lines, `… and ${units - MAX_UNIT_LINES} more units`];
}

function forwardLines(units: ExplainForward[]): string[] {
  const lines: string[] = [];
  for (const f of units.slice(0, MAX_UNIT_LINES)) {
    const prefix = units.length > 1 ? `unit ${f.unit + 1}: ` : '';
    if (f.kind === 'weighted') {
      lines.push(prefix + forwardFormula(f));
      lines.push(`${units.length > 1 ? '        ' : ''}a = ${f.activation}(${n(f.z)}) = ${n(f.a)}`);
    } else {
      lines.push(prefix + forwardFormula(f));
    }
  }
  return limited(lines, units.length);
}

/** The short note a node carries once its forward stage is done: "z = 0.2 · a = 0.2". */
function forwardNote(units: ExplainForward[]): string[] {
  const notes = units.slice(0, MAX_UNIT_LINES).map((f) => (f.kind === 'weighted' ? `z = ${n(f.z)}  a = ${n(f.a)}` : `a = ${n(f.a)}`));
  return units.length > MAX_UNIT_LINES ? [...notes, `+${units.length - MAX_UNIT_LINES} more`] : notes;
}

export function buildStages(step: ExplainStep, doc: NetworkDocument): Stage[] {
  const stages: Stage[] = [];
  const nodeNotes: Record<string, string[]> = {};
  const edgeNotes: Record<string, string> = {};
  const snapshot = (): Pick<Stage, 'nodeNotes' | 'edgeNotes'> => ({ nodeNotes: { ...nodeNotes }, edgeNotes: { ...edgeNotes } });
  const incoming = (id: string) => doc.edges.filter((e) => e.target === id).map((e) => e.id);

  for (const [nodeId, units] of group(step.forward)) {
    nodeNotes[nodeId] = forwardNote(units);
    stages.push({
      phase: 'forward',
      title: `Forward · ${nameOf(doc, nodeId)}`,
      lines: forwardLines(units),
      focusNodes: [nodeId],
      focusEdges: incoming(nodeId),
      ...snapshot(),
    });
  }

  const outputNode = doc.nodes.find((x): x is Extract<NetworkNode, { type: 'output' }> => x.type === 'output');
  const lossLines = [step.loss.formula];
  if (step.loss.output.length === 1) lossLines.unshift(`prediction ${n(step.loss.output[0]!)}, target ${n(step.loss.target[0]!)}`);
  if (outputNode) nodeNotes[outputNode.id] = [`L = ${n(step.loss.value)}`];
  stages.push({
    phase: 'loss',
    title: `Loss · ${step.loss.name}`,
    lines: lossLines,
    focusNodes: outputNode ? [outputNode.id] : [],
    focusEdges: outputNode ? incoming(outputNode.id) : [],
    ...snapshot(),
  });

  // Backward: per node, its units' dL/da and dL/dz, then the bias and the weights into it.
  const byNode = new Map<string, { units: Extract<ExplainStep['backward'][number], { kind: 'unit' }>[]; lines: string[]; edges: Set<string> }>();
  const order: string[] = [];
  let current: string | null = null;
  const edgeTarget = new Map(doc.edges.map((e) => [e.id, e.target]));
  // Each connection's number of weights and the sum of their squared gradients, in one pass (a layer of 784 × 128
  // weights has 100,352 entries: looking the block up again for each of them would be quadratic).
  const blocks = new Map<string, { count: number; sumSq: number }>();
  for (const b of step.backward) {
    if (b.kind !== 'weight') continue;
    const block = blocks.get(b.edgeId) ?? { count: 0, sumSq: 0 };
    block.count++;
    block.sumSq += b.grad * b.grad;
    blocks.set(b.edgeId, block);
  }
  for (const b of step.backward) {
    const owner = b.kind === 'weight' ? edgeTarget.get(b.edgeId) ?? b.edgeId : b.nodeId;
    if (owner !== current) {
      current = owner;
      if (!byNode.has(owner)) {
        byNode.set(owner, { units: [], lines: [], edges: new Set() });
        order.push(owner);
      }
    }
    const entry = byNode.get(owner)!;
    if (b.kind === 'unit') entry.units.push(b);
    else if (b.kind === 'bias') {
      if (b.index < MAX_UNIT_LINES) entry.lines.push(`∂L/∂b${byNodeUnits(step, owner) > 1 ? `[${b.index + 1}]` : ''} = ${n(b.biasGrad)}`);
    } else if (b.kind === 'param') {
      if (b.index < MAX_UNIT_LINES) entry.lines.push(`∂L/∂${b.slot}[${b.index + 1}] = ${n(b.grad)}`);
    } else {
      entry.edges.add(b.edgeId);
      const block = blocks.get(b.edgeId)!;
      if (block.count === 1) {
        const f = step.forward.find((x) => x.nodeId === owner && x.unit === b.unit);
        const term = f?.terms.find((t) => t.edgeId === b.edgeId && t.index === b.index);
        entry.lines.push(`∂L/∂w(${edgeName(doc, b.edgeId)}) = ∂L/∂z · ${term ? wrap(term.input) : 'x'} = ${n(b.grad)}`);
        edgeNotes[b.edgeId] = `∂L/∂w = ${n(b.grad)}`;
      } else if (b.index === 0) {
        const norm = Math.sqrt(block.sumSq);
        entry.lines.push(`∂L/∂W(${edgeName(doc, b.edgeId)}): ${block.count} values, norm ${n(norm)}`);
        edgeNotes[b.edgeId] = `‖∂L/∂W‖ = ${n(norm)}`;
      }
    }
  }
  for (const nodeId of order) {
    const entry = byNode.get(nodeId)!;
    const unitLines = entry.units.slice(0, MAX_UNIT_LINES).map((u) => {
      const prefix = entry.units.length > 1 ? `unit ${u.unit + 1}: ` : '';
      const f = step.forward.find((x) => x.nodeId === nodeId && x.unit === u.unit);
      if (u.preactivationGrad === null) return `${prefix}∂L/∂a = ${n(u.outputGrad)}`;
      return `${prefix}∂L/∂a = ${n(u.outputGrad)}, ∂L/∂z = ∂L/∂a · ${f?.activation ?? 'f'}′(${f ? n(f.z) : 'z'}) = ${n(u.preactivationGrad)}`;
    });
    const extra = entry.units.length > MAX_UNIT_LINES ? [`… and ${entry.units.length - MAX_UNIT_LINES} more units`] : [];
    const note = entry.units[0];
    if (note && note.preactivationGrad !== null) nodeNotes[nodeId] = [...(nodeNotes[nodeId] ?? []).slice(0, 1), `∂L/∂z = ${n(note.preactivationGrad)}`];
    stages.push({
      phase: 'backward',
      title: `Backward · ${nameOf(doc, nodeId)}`,
      lines: [...unitLines, ...extra, ...entry.lines],
      focusNodes: [nodeId],
      focusEdges: [...entry.edges],
      ...snapshot(),
    });
  }

  const updateLines: string[] = [`new = old − ${n(step.learningRate)} × ∂L/∂param`];
  const updateNotes: Record<string, string> = {};
  const blockCount = new Map<string, number>();
  for (const u of step.update) if (u.kind === 'weight') blockCount.set(u.edgeId, (blockCount.get(u.edgeId) ?? 0) + 1);
  for (const u of step.update) {
    if (u.kind === 'weight') {
      if (blockCount.get(u.edgeId) === 1) {
        updateLines.push(`w(${edgeName(doc, u.edgeId)}): ${n(u.old)} → ${n(u.new)}`);
        updateNotes[u.edgeId] = `${n(u.old)} → ${n(u.new)}`;
      } else if (u.index === 0) {
        updateLines.push(`W(${edgeName(doc, u.edgeId)}): ${blockCount.get(u.edgeId)} weights, first ${n(u.old)} → ${n(u.new)}`);
        updateNotes[u.edgeId] = `W: ${n(u.old)} → ${n(u.new)}, …`;
      }
    } else if (u.kind === 'param') {
      if (u.index < MAX_UNIT_LINES) updateLines.push(`${u.slot}(${nameOf(doc, u.nodeId)})[${u.index + 1}]: ${n(u.old)} → ${n(u.new)}`);
    } else if (u.index < MAX_UNIT_LINES) {
      updateLines.push(`b(${nameOf(doc, u.nodeId)})${byNodeUnits(step, u.nodeId) > 1 ? `[${u.index + 1}]` : ''}: ${n(u.old)} → ${n(u.new)}`);
    }
  }
  stages.push({
    phase: 'update',
    title: 'Update · one SGD step',
    lines: updateLines,
    focusNodes: [],
    focusEdges: Object.keys(updateNotes),
    nodeNotes: { ...nodeNotes },
    edgeNotes: updateNotes,
  });
  return stages;
}

function byNodeUnits(step: ExplainStep, nodeId: string): number {
  return step.update.filter((u) => u.kind === 'bias' && u.nodeId === nodeId).length;
}

/** The document after the explained SGD step: every weight and bias set to its `new` value. */
export function applyUpdate(doc: NetworkDocument, step: ExplainStep): NetworkDocument {
  const weights = new Map<string, number[]>();
  const slots = new Map<string, Map<string, number[]>>();
  for (const u of step.update) {
    if (u.kind === 'weight') {
      const list = weights.get(u.edgeId) ?? [];
      list[u.index] = u.new;
      weights.set(u.edgeId, list);
    } else {
      const slot = u.kind === 'bias' ? 'bias' : u.slot;
      const bySlot = slots.get(u.nodeId) ?? new Map<string, number[]>();
      const list = bySlot.get(slot) ?? [];
      list[u.index] = u.new;
      bySlot.set(slot, list);
      slots.set(u.nodeId, bySlot);
    }
  }
  const edges = doc.edges.map((e) => (weights.has(e.id) ? { ...e, weights: weights.get(e.id)! } : e));
  // Node slots are written where their kind keeps them (the core's one write-back, src/core/kinds/params.ts).
  const nodes = doc.nodes.map((node): NetworkNode => {
    let out = node;
    for (const [slot, values] of slots.get(node.id) ?? []) out = writeNodeSlot(out, slot, values);
    return out;
  });
  return { ...doc, nodes, edges };
}
