/**
 * Evaluating a lesson's checks: quantities and conditions (schema.ts) against what the learner sees. Everything is
 * computed by the core: the first training example's forward trace, loss, gradients and one-step SGD update are
 * explain mode's (explainStep), on the document with the trained weights written in.
 *
 * A check is `pass` only when its condition holds now; `fail` otherwise, with a short reason a learner can read;
 * a quantity that cannot be computed (no data yet, a network that does not compile) makes the check fail with why.
 */
import { loadDataset } from '../data';
import type { NetworkDocument } from '../document';
import { explainStep, type ExplainStep } from '../explain';
import { compileNetwork } from '../network';
import { evaluateCalibration } from '../calibration';
import { evaluateQuantization } from '../quantize';
import type { CompareOp, Condition, FallingCondition, LessonAction, ParamRef, PlateauCondition, Quantity, TrainerQuantity } from './schema';

/** The trainer as a check sees it (null: nothing loaded). */
export interface LessonTrainerState {
  step: number;
  epoch: number;
  trainLoss: number | null;
  testLoss: number | null;
  accuracy: number | null;
  state: 'running' | 'paused' | 'diverged' | 'idle';
  /** How many times the trainer reported a divergence since the step opened. */
  divergences?: number;
  /** The learning rate of the latest of those divergences (null: none). */
  divergedRate?: number | null;
  /**
   * The training loss the trainer reported as each epoch completed, in order, since the step opened, and since the
   * trainer's latest divergence, reset or reload (its epoch counter started again): one entry per epoch seen, the
   * first snapshot that carried that epoch count. The loss-trend conditions read this.
   */
  epochs?: readonly { epoch: number; trainLoss: number }[];
}

/** How much (a fraction of it) the training loss may improve over a plateau's window by default. */
export const DEFAULT_PLATEAU_WITHIN = 0.01;

export interface LessonContext {
  /** The document as the learner sees it, trained weights written in. */
  doc: NetworkDocument;
  /** The document when the step opened (for "changed exactly one weight"). */
  baseline: NetworkDocument | null;
  /** What the learner typed in the step's question (null: nothing, or not a number). */
  answer: number | null;
  selectedEdges: readonly string[];
  explainOpen: boolean;
  trainer: LessonTrainerState | null;
  /** The calibration view: open now, opened since the step opened, and the row of the example selected in its confidently wrong list. Absent: closed. */
  calibration?: { open: boolean; opened: boolean; selectedRow: number | null };
  /** The runs kept for comparison (their network sizes); absent: none. */
  runs?: readonly { parameters: number }[];
}

export type CheckResult = { pass: true } | { pass: false; why: string };

type Value = { ok: true; value: number } | { ok: false; why: string };

/** Per-context cache of the expensive parts (one compile and one explain per evaluation). */
class Evaluator {
  private explained: { ok: true; step: ExplainStep } | { ok: false; why: string } | undefined;
  constructor(readonly ctx: LessonContext) {}

  explain(): { ok: true; step: ExplainStep } | { ok: false; why: string } {
    if (this.explained) return this.explained;
    const doc = this.ctx.doc;
    if (doc.data.kind === 'none') return (this.explained = { ok: false, why: 'the network has no data yet' });
    const made = loadDataset(doc.data);
    if (!made.ok) return (this.explained = { ok: false, why: `the data could not be loaded: ${made.message}` });
    const { train, featureNames, targetNames } = made.dataset;
    if (train.n === 0) return (this.explained = { ok: false, why: 'the training data has no rows' });
    const x = train.x.subarray(0, featureNames.length);
    const y = train.y.subarray(0, targetNames.length);
    const r = explainStep(doc, x, y, doc.training.learningRate, { featureNames, targetNames });
    this.explained = r.ok ? { ok: true, step: r.step } : { ok: false, why: r.message };
    return this.explained;
  }

  quantity(q: Quantity | number): Value {
    if (typeof q === 'number') return { ok: true, value: q };
    if ('answer' in q) return this.ctx.answer === null ? { ok: false, why: 'type your answer first' } : { ok: true, value: this.ctx.answer };
    if ('trainer' in q) return trainerValue(this.ctx.trainer, q.trainer);
    if ('setting' in q) return { ok: true, value: this.ctx.doc.training[q.setting] };
    if ('parameters' in q) {
      const c = compileNetwork(this.ctx.doc, { initializer: 'document' });
      return c.ok ? { ok: true, value: c.net.params.length } : { ok: false, why: c.problems[0]?.message ?? 'the network does not compile' };
    }
    if ('param' in q) return paramValue(this.ctx.doc, q.param);
    if ('quantized' in q) {
      const r = evaluateQuantization(this.ctx.doc, q.quantized === 'int8' ? { format: 'int8', per: 'unit' } : { format: 'fp16' });
      if (!r.ok) return { ok: false, why: r.message };
      const v = q.measure === 'bytes' ? r.report.bytes.quantized : q.measure === 'loss' ? r.report.after.loss : r.report.after.accuracy;
      return v === null ? { ok: false, why: 'this network has no accuracy (it is not a classifier)' } : { ok: true, value: v };
    }
    if ('calibration' in q) {
      const r = evaluateCalibration(this.ctx.doc);
      if (!r.ok) return { ok: false, why: r.message };
      if (q.calibration === 'ece') return { ok: true, value: r.report.ece };
      const worst = r.report.confidentlyWrong[0];
      return worst ? { ok: true, value: worst.confidence } : { ok: false, why: 'the network gets every test example right' };
    }
    const e = this.explain();
    if (!e.ok) return e;
    const step = e.step;
    if ('activation' in q || 'preactivation' in q) {
      const nodeId = 'activation' in q ? q.activation : q.preactivation;
      const unit = q.unit ?? 0;
      const f = step.forward.find((t) => t.nodeId === nodeId && t.unit === unit);
      if (!f) return { ok: false, why: `"${nodeId}" has no unit ${unit} to read` };
      const v = 'activation' in q ? f.a : f.z;
      return v === null || v === undefined ? { ok: false, why: `"${nodeId}" has no z` } : { ok: true, value: v };
    }
    if ('loss' in q) return { ok: true, value: step.loss.value };
    if ('target' in q) {
      const i = targetIndex(this.ctx.doc, q.target);
      const v = i === undefined ? undefined : step.y[i];
      return v === undefined ? { ok: false, why: `there is no target "${q.target}"` } : { ok: true, value: v };
    }
    if ('gradient' in q) {
      const g = gradientOf(step, q.gradient);
      return g === undefined ? { ok: false, why: 'that parameter has no gradient here' } : { ok: true, value: g };
    }
    const u = updateOf(step, q.updated);
    return u === undefined ? { ok: false, why: 'that parameter has no update here' } : { ok: true, value: u };
  }

  condition(c: Condition): CheckResult {
    if ('compare' in c) {
      const a = this.quantity(c.compare);
      if (!a.ok) return { pass: false, why: a.why };
      const b = this.quantity(c.value);
      if (!b.ok) return { pass: false, why: b.why };
      if (compare(a.value, c.op, b.value, c.tolerance)) return { pass: true };
      // An answer is never told the number it should be: that would give the answer away.
      if ('answer' in c.compare) return { pass: false, why: `your answer ${describe(a.value)} is not it yet` };
      const against = typeof c.value === 'number' ? describe(b.value) : `${quantityName(c.value)} (${describe(b.value)})`;
      return { pass: false, why: `${quantityName(c.compare)} is ${describe(a.value)}; the step needs ${OP_WORDS[c.op]} ${against}${c.op === 'near' ? ` ± ${c.tolerance ?? 0}` : ''}` };
    }
    if ('changed' in c) {
      const base = this.ctx.baseline;
      if (!base) return { pass: false, why: 'there is nothing to compare with' };
      const d = countChanges(base, this.ctx.doc);
      const want = c.changed;
      if (d.weights === want.weights && d.biases === want.biases) return { pass: true };
      return { pass: false, why: `${d.weights} weight${d.weights === 1 ? '' : 's'} and ${d.biases} bias${d.biases === 1 ? '' : 'es'} changed; the step asks for ${want.weights} and ${want.biases}` };
    }
    if ('selected' in c) {
      const sel = this.ctx.selectedEdges;
      if (sel.length !== 1) return { pass: false, why: 'select one connection' };
      if ('edge' in c.selected) return sel[0] === c.selected.edge ? { pass: true } : { pass: false, why: 'that is not the connection asked for' };
      const e = this.explain();
      if (!e.ok) return { pass: false, why: e.why };
      const largest = largestGradientEdges(e.step);
      return largest.includes(sel[0]!) ? { pass: true } : { pass: false, why: 'another weight has a larger gradient' };
    }
    if ('runs' in c) {
      const runs = this.ctx.runs ?? [];
      const count = c.runs.distinctParameters ? new Set(runs.map((r) => r.parameters)).size : runs.length;
      const what = c.runs.distinctParameters ? 'runs of networks of different sizes' : 'runs';
      return count >= c.runs.atLeast ? { pass: true } : { pass: false, why: `${count} ${what} kept; the step needs ${c.runs.atLeast}` };
    }
    if ('calibrationView' in c) {
      const view = this.ctx.calibration;
      if (c.calibrationView === 'opened') return view?.open || view?.opened ? { pass: true } : { pass: false, why: 'open the calibration view' };
      if (view?.selectedRow === null || view?.selectedRow === undefined) return { pass: false, why: 'select an example in the calibration view' };
      const r = evaluateCalibration(this.ctx.doc);
      if (!r.ok) return { pass: false, why: r.message };
      const worst = r.report.confidentlyWrong[0];
      if (!worst) return { pass: false, why: 'the network gets every test example right' };
      return worst.row === view.selectedRow ? { pass: true } : { pass: false, why: `the network is more confident about another wrong example than row ${view.selectedRow}` };
    }
    if ('falling' in c || 'plateau' in c) return lossTrend(this.ctx.trainer, c);
    if ('explain' in c) return this.ctx.explainOpen ? { pass: true } : { pass: false, why: 'explain mode is closed' };
    if ('trainerState' in c) {
      const s = this.ctx.trainer?.state ?? 'idle';
      return s === c.trainerState ? { pass: true } : { pass: false, why: `the trainer is ${s}` };
    }
    if ('all' in c) {
      for (const x of c.all) {
        const r = this.condition(x);
        if (!r.pass) return r;
      }
      return { pass: true };
    }
    if ('any' in c) {
      let first: CheckResult | undefined;
      for (const x of c.any) {
        const r = this.condition(x);
        if (r.pass) return r;
        first ??= r;
      }
      return first!;
    }
    return this.condition(c.not).pass ? { pass: false, why: 'not yet' } : { pass: true };
  }
}

const OP_WORDS: Record<CompareOp, string> = { gt: '>', ge: '≥', lt: '<', le: '≤', near: '≈' };

function paramName(p: ParamRef): string {
  return 'edge' in p ? `the weight of ${p.edge}` : `the bias of ${p.bias}`;
}

/** A quantity in words, for a failing check's reason. */
export function quantityName(q: Quantity): string {
  if ('activation' in q) return `a of ${q.activation}`;
  if ('preactivation' in q) return `z of ${q.preactivation}`;
  if ('param' in q) return paramName(q.param);
  if ('loss' in q) return 'the loss';
  if ('target' in q) return `the target ${q.target}`;
  if ('gradient' in q) return `the gradient of ${paramName(q.gradient).slice(4)}`;
  if ('updated' in q) return `${paramName(q.updated)} after one step`;
  if ('answer' in q) return 'your answer';
  if ('trainer' in q) {
    return {
      step: "the trainer's step count", epoch: 'the epoch', trainLoss: 'the training loss', testLoss: 'the test loss', accuracy: 'the accuracy',
      divergences: 'the number of divergences', divergedRate: 'the learning rate that diverged',
    }[q.trainer];
  }
  if ('setting' in q) return q.setting === 'learningRate' ? 'the learning rate' : 'the batch size';
  if ('calibration' in q) return q.calibration === 'ece' ? 'the expected calibration error' : 'the highest confidence among wrong answers';
  if ('quantized' in q) return `the ${q.quantized} network's ${q.measure === 'bytes' ? 'memory in bytes' : q.measure}`;
  return 'the number of parameters';
}

function describe(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

function compare(a: number, op: CompareOp, b: number, tolerance = 0): boolean {
  switch (op) {
    case 'gt': return a > b;
    case 'ge': return a >= b;
    case 'lt': return a < b;
    case 'le': return a <= b;
    case 'near': return Math.abs(a - b) <= tolerance;
  }
}

function trainerValue(t: LessonTrainerState | null, q: TrainerQuantity): Value {
  if (q === 'divergences') return { ok: true, value: t?.divergences ?? 0 };
  if (!t) return { ok: false, why: 'the trainer has not loaded the network yet' };
  if (q === 'divergedRate') return t.divergedRate === null || t.divergedRate === undefined ? { ok: false, why: 'training has not diverged yet' } : { ok: true, value: t.divergedRate };
  const v = t[q];
  return v === null ? { ok: false, why: `there is no ${q} yet` } : { ok: true, value: v };
}

/**
 * A loss trend over the last `epochs` completed epochs, from the trainer's own per-epoch training loss: the window
 * starts at the latest entry at least `epochs` epochs before the last one (too few epochs seen yet: fails, saying
 * how many).
 */
function lossTrend(t: LessonTrainerState | null, c: FallingCondition | PlateauCondition): CheckResult {
  const want = 'falling' in c ? c.falling.epochs : c.plateau.epochs;
  const seen = t?.epochs ?? [];
  const last = seen[seen.length - 1];
  let start = -1;
  if (last) for (let i = seen.length - 1; i >= 0; i--) if (seen[i]!.epoch <= last.epoch - want) { start = i; break; }
  if (!last || start < 0) {
    const have = last && seen[0] ? last.epoch - seen[0].epoch : 0;
    return { pass: false, why: `${have} of ${want} epoch${want === 1 ? '' : 's'} trained so far` };
  }
  const first = seen[start]!.trainLoss;
  if ('falling' in c) {
    const by = c.falling.by ?? 0;
    if (last.trainLoss < first * (1 - by)) return { pass: true };
    return { pass: false, why: `the training loss went from ${describe(first)} to ${describe(last.trainLoss)} over the last ${want} epochs: it is not falling${by > 0 ? ` by ${describe(by * 100)} %` : ''}` };
  }
  const within = c.plateau.within ?? DEFAULT_PLATEAU_WITHIN;
  let best = first;
  for (let i = start + 1; i < seen.length; i++) best = Math.min(best, seen[i]!.trainLoss);
  if (first - best <= within * Math.abs(first)) return { pass: true };
  return { pass: false, why: `the training loss is still improving (${describe(first)} → ${describe(best)} over the last ${want} epochs)` };
}

function targetIndex(doc: NetworkDocument, column: string): number | undefined {
  const out = doc.nodes.find((n) => n.type === 'output');
  const targets = out && 'targets' in out ? (out.targets as string[] | undefined) : undefined;
  const i = targets?.indexOf(column) ?? -1;
  return i >= 0 ? i : undefined;
}

function paramValue(doc: NetworkDocument, p: ParamRef): Value {
  const i = p.index ?? 0;
  if ('edge' in p) {
    const w = doc.edges.find((e) => e.id === p.edge)?.weights?.[i];
    return w === undefined ? { ok: false, why: `the connection "${p.edge}" has no weight ${i}` } : { ok: true, value: w };
  }
  const node = doc.nodes.find((n) => n.id === p.bias) as { bias?: number | number[] } | undefined;
  const b = Array.isArray(node?.bias) ? node.bias[i] : i === 0 ? node?.bias : undefined;
  return typeof b === 'number' ? { ok: true, value: b } : { ok: false, why: `"${p.bias}" has no bias ${i}` };
}

function gradientOf(step: ExplainStep, p: ParamRef): number | undefined {
  const i = p.index ?? 0;
  for (const b of step.backward) {
    if ('edge' in p && b.kind === 'weight' && b.edgeId === p.edge && b.index === i) return b.grad;
    if ('bias' in p && b.kind === 'bias' && b.nodeId === p.bias && b.index === i) return b.biasGrad;
  }
  return undefined;
}

function updateOf(step: ExplainStep, p: ParamRef): number | undefined {
  const i = p.index ?? 0;
  for (const u of step.update) {
    if ('edge' in p && u.kind === 'weight' && u.edgeId === p.edge && u.index === i) return u.new;
    if ('bias' in p && u.kind === 'bias' && u.nodeId === p.bias && u.index === i) return u.new;
  }
  return undefined;
}

/** The connections holding a weight whose gradient is largest in size (ties within float32 rounding all count). */
export function largestGradientEdges(step: ExplainStep): string[] {
  let max = 0;
  for (const b of step.backward) if (b.kind === 'weight') max = Math.max(max, Math.abs(b.grad));
  const out = new Set<string>();
  for (const b of step.backward) if (b.kind === 'weight' && Math.abs(b.grad) >= max * (1 - 1e-6)) out.add(b.edgeId);
  return [...out];
}

/** How many single weights and biases differ between two documents of the same graph (new or removed ones count). */
export function countChanges(before: NetworkDocument, after: NetworkDocument): { weights: number; biases: number } {
  let weights = 0;
  let biases = 0;
  const beforeEdges = new Map(before.edges.map((e) => [e.id, e.weights ?? []]));
  const seen = new Set<string>();
  for (const e of after.edges) {
    seen.add(e.id);
    const a = e.weights ?? [];
    const b = beforeEdges.get(e.id) ?? [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) if (!Object.is(a[i], b[i])) weights++;
  }
  for (const [id, w] of beforeEdges) if (!seen.has(id)) weights += w.length;
  const biasOf = (n: unknown): number[] => {
    const b = (n as { bias?: number | number[] }).bias;
    return b === undefined ? [] : Array.isArray(b) ? b : [b];
  };
  const beforeNodes = new Map(before.nodes.map((n) => [n.id, biasOf(n)]));
  const seenNodes = new Set<string>();
  for (const n of after.nodes) {
    seenNodes.add(n.id);
    const a = biasOf(n);
    const b = beforeNodes.get(n.id) ?? [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) if (!Object.is(a[i], b[i])) biases++;
  }
  for (const [id, b] of beforeNodes) if (!seenNodes.has(id)) biases += b.length;
  return { weights, biases };
}

/** Evaluate a step's check now. */
export function evaluateCheck(condition: Condition, ctx: LessonContext): CheckResult {
  try {
    return new Evaluator(ctx).condition(condition);
  } catch (error) {
    return { pass: false, why: `the check could not be computed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** A quantity's value now (for "show me" actions that type a computed answer or set a computed weight). */
export function evaluateQuantity(q: Quantity | number, ctx: LessonContext): { ok: true; value: number } | { ok: false; why: string } {
  try {
    return new Evaluator(ctx).quantity(q);
  } catch (error) {
    return { ok: false, why: error instanceof Error ? error.message : String(error) };
  }
}

/** The edge a `select` action picks now (an id, or the first edge with the largest gradient). */
export function resolveSelection(action: Extract<LessonAction, { select: unknown }>, ctx: LessonContext): string | null {
  if ('edge' in action.select) return action.select.edge;
  const e = new Evaluator(ctx).explain();
  return e.ok ? largestGradientEdges(e.step)[0] ?? null : null;
}
