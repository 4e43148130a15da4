/** The lesson file format: shipped lessons parse, bad files get located errors, and every check can fail. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setEdgeWeight, setNodeField } from '../../../src/core/edit';
import type { NetworkDocument } from '../../../src/core/document';
import { explainStep } from '../../../src/core/explain';
import {
  countChanges, evaluateCheck, evaluateQuantity, parseLesson, stepDocument, type Condition, type LessonContext,
} from '../../../src/core/lessons';
import { findTemplate } from '../../../src/core/templates';

const LESSON_DIR = join(__dirname, '../../../examples/lessons');
const shipped = readdirSync(LESSON_DIR).filter((f) => f.endsWith('.nwlesson')).sort();
const worked = () => findTemplate('worked-example')!.build();

function ctx(doc: NetworkDocument, over: Partial<LessonContext> = {}): LessonContext {
  return { doc, baseline: worked(), answer: null, selectedEdges: [], explainOpen: false, trainer: null, ...over };
}

function weight(doc: NetworkDocument, edge: string, value: number): NetworkDocument {
  const r = setEdgeWeight(doc, edge, 0, value);
  if (!r.ok) throw new Error(r.reason);
  return r.doc;
}

describe('shipped lessons', () => {
  it('ships lessons 1 to 5 at least', () => {
    expect(shipped.length).toBeGreaterThanOrEqual(5);
  });

  it.each(shipped)('%s parses', (file) => {
    const r = parseLesson(readFileSync(join(LESSON_DIR, file), 'utf8'));
    if (!r.ok) throw new Error(`${r.path}: ${r.message}`);
    expect(r.lesson.steps.length).toBeGreaterThan(0);
    for (const step of r.lesson.steps) if (step.load) expect(stepDocument(step).ok).toBe(true);
  });
});

describe('located errors', () => {
  const base = { format: 'netwright-lesson', version: 1, id: 'x', title: 'X', steps: [{ title: 'S', text: 't' }] };
  const bad = (over: (l: typeof base & Record<string, unknown>) => unknown) => parseLesson(JSON.stringify(over(structuredClone(base) as typeof base & Record<string, unknown>)));

  it('a JSON syntax error says where, by line and column', () => {
    const r = parseLesson('{\n  "format": "netwright-lesson",\n  "steps": [,]\n}');
    expect(r).toMatchObject({ ok: false, reason: 'invalid-json', line: 3 });
    expect(r.ok ? '' : r.message).toMatch(/line 3, column 13/);
  });

  it('a network file is not a lesson', () => {
    expect(parseLesson(JSON.stringify({ format: 'netwright', version: 3 }))).toMatchObject({ ok: false, reason: 'not-lesson' });
  });

  it('a newer version is refused as too new', () => {
    expect(bad((l) => ({ ...l, version: 2 }))).toMatchObject({ ok: false, reason: 'version-too-new', path: 'version' });
  });

  it('an unknown field in a step is refused by its path', () => {
    const r = bad((l) => ({ ...l, steps: [{ ...l.steps[0], chek: {} }] }));
    expect(r).toMatchObject({ ok: false, path: 'steps[0]' });
    expect(r.ok ? '' : r.message).toMatch(/chek/);
  });

  it('a bad condition is located and says what a condition is', () => {
    const r = bad((l) => ({ ...l, steps: [{ ...l.steps[0], check: { compare: { activaton: 'out' }, op: 'gt', value: 1 } }] }));
    expect(r).toMatchObject({ ok: false, path: 'steps[0].check' });
    expect(r.ok ? '' : r.message).toMatch(/^steps\[0\]\.check: expected a condition/);
  });

  it('a bad comparison operator is named', () => {
    const r = bad((l) => ({ ...l, steps: [{ ...l.steps[0], load: { template: 'worked-example' }, check: { compare: { activation: 'out' }, op: 'bigger', value: 1 } }] }));
    expect(r.ok ? '' : r.message).toMatch(/steps\[0\]\.check/);
  });

  it('a template that does not exist is named', () => {
    const r = bad((l) => ({ ...l, steps: [{ ...l.steps[0], load: { template: 'nope' } }] }));
    expect(r).toMatchObject({ ok: false, path: 'steps[0].load.template' });
    expect(r.ok ? '' : r.message).toMatch(/no template "nope"/);
  });

  it('an embedded network with a bad field is located inside it', () => {
    const doc = JSON.parse(JSON.stringify(worked())) as { nodes: { bias?: unknown }[] };
    doc.nodes[2]!.bias = 'high';
    const r = bad((l) => ({ ...l, steps: [{ ...l.steps[0], load: { document: doc } }] }));
    expect(r).toMatchObject({ ok: false, path: 'steps[0].load.document.nodes[2].bias' });
  });

  it('a check naming a node the network lacks is refused', () => {
    const r = bad((l) => ({ ...l, steps: [{ ...l.steps[0], load: { template: 'worked-example' }, check: { compare: { activation: 'h9' }, op: 'gt', value: 0 } }] }));
    expect(r).toMatchObject({ ok: false, path: 'steps[0].check.compare' });
    expect(r.ok ? '' : r.message).toMatch(/no node "h9"/);
  });

  it('a check reading an answer without a question is refused', () => {
    const r = bad((l) => ({ ...l, steps: [{ ...l.steps[0], check: { compare: { answer: true }, op: 'gt', value: 0 } }] }));
    expect(r).toMatchObject({ ok: false, path: 'steps[0].check' });
  });

  it('a prototype key is refused', () => {
    const r = parseLesson('{"format":"netwright-lesson","version":1,"id":"x","title":"X","steps":[{"title":"S","text":"t","__proto__":{}}]}');
    expect(r).toMatchObject({ ok: false, path: 'steps[0].__proto__' });
  });

  it('a duplicate key is located', () => {
    const r = parseLesson('{"format":"netwright-lesson","version":1,"id":"x","id":"y","title":"X","steps":[{"title":"S","text":"t"}]}');
    expect(r).toMatchObject({ ok: false, path: 'id' });
  });
});

describe('quantities are the core\'s numbers', () => {
  const doc = worked();
  const explained = (() => {
    const r = explainStep(doc, [1, 2], [1], 0.1);
    if (!r.ok) throw new Error(r.message);
    return r.step;
  })();
  it.each([
    [{ activation: 'out' }, explained.forward.find((f) => f.nodeId === 'out')!.a],
    [{ preactivation: 'h1' }, explained.forward.find((f) => f.nodeId === 'h1')!.z],
    [{ loss: 'example' as const }, explained.loss.value],
    [{ target: 'y' }, 1],
    [{ gradient: { edge: 'e5' } }, (explained.backward.find((b) => b.kind === 'weight' && b.edgeId === 'e5') as { grad: number }).grad],
    [{ updated: { edge: 'e5' } }, (explained.update.find((u) => u.kind === 'weight' && u.edgeId === 'e5') as { new: number }).new],
    [{ param: { bias: 'h2' } }, -0.1],
    [{ parameters: 'count' as const }, 9],
  ])('%j', (q, expected) => {
    expect(evaluateQuantity(q, ctx(doc))).toEqual({ ok: true, value: expected });
  });

  it('the textbook numbers: 0.4502, loss 0.302, new weight 1.0054', () => {
    const v = (q: Parameters<typeof evaluateQuantity>[0]) => (evaluateQuantity(q, ctx(doc)) as { value: number }).value;
    expect(v({ activation: 'out' })).toBeCloseTo(0.4502, 4);
    expect(v({ loss: 'example' })).toBeCloseTo(0.3023, 4);
    expect(v({ updated: { edge: 'e5' } })).toBeCloseTo(1.00544, 4);
  });
});

describe('conditions', () => {
  const outAbove06: Condition = { all: [{ changed: { weights: 1, biases: 0 } }, { compare: { activation: 'out' }, op: 'gt', value: 0.6 }] };

  it('one weight to 0.6: fails untouched, fails with a bias change, fails with two weights, passes with one', () => {
    const doc = worked();
    expect(evaluateCheck(outAbove06, ctx(doc)).pass).toBe(false);
    const bias = setNodeField(doc, 'out', 'bias', 2);
    if (!bias.ok) throw new Error(bias.reason);
    expect(evaluateCheck({ compare: { activation: 'out' }, op: 'gt', value: 0.6 }, ctx(bias.doc)).pass).toBe(true);
    expect(evaluateCheck(outAbove06, ctx(bias.doc))).toMatchObject({ pass: false, why: expect.stringMatching(/1 bias/) });
    expect(evaluateCheck(outAbove06, ctx(weight(weight(doc, 'e6', 0), 'e5', 1.2))).pass).toBe(false);
    expect(evaluateCheck(outAbove06, ctx(weight(doc, 'e6', -0.5))).pass).toBe(false);
    expect(evaluateCheck(outAbove06, ctx(weight(doc, 'e6', 0)))).toEqual({ pass: true });
  });

  it('an answer passes only within the tolerance, and no answer fails', () => {
    const c: Condition = { compare: { answer: true }, op: 'near', value: { updated: { edge: 'e5' } }, tolerance: 0.0005 };
    expect(evaluateCheck(c, ctx(worked())).pass).toBe(false);
    expect(evaluateCheck(c, ctx(worked(), { answer: 0.99456 })).pass).toBe(false);
    expect(evaluateCheck(c, ctx(worked(), { answer: 1.0054 })).pass).toBe(true);
  });

  it('the largest gradient: its edge passes (either of a tie), another fails, nothing selected fails', () => {
    const c: Condition = { selected: { largest: 'gradient' } };
    expect(evaluateCheck(c, ctx(worked())).pass).toBe(false);
    expect(evaluateCheck(c, ctx(worked(), { selectedEdges: ['e5'] })).pass).toBe(false);
    expect(evaluateCheck(c, ctx(worked(), { selectedEdges: ['e2'] })).pass).toBe(true);
    expect(evaluateCheck(c, ctx(worked(), { selectedEdges: ['e4'] })).pass).toBe(true);
  });

  it('trainer, explain, any and not', () => {
    const trainer = { step: 3, epoch: 3, trainLoss: 0.2, testLoss: null, accuracy: null, state: 'paused' as const };
    expect(evaluateCheck({ compare: { trainer: 'step' }, op: 'ge', value: 1 }, ctx(worked())).pass).toBe(false);
    expect(evaluateCheck({ compare: { trainer: 'step' }, op: 'ge', value: 1 }, ctx(worked(), { trainer })).pass).toBe(true);
    expect(evaluateCheck({ compare: { trainer: 'testLoss' }, op: 'lt', value: 1 }, ctx(worked(), { trainer })).pass).toBe(false);
    expect(evaluateCheck({ trainerState: 'diverged' }, ctx(worked(), { trainer })).pass).toBe(false);
    expect(evaluateCheck({ explain: 'open' }, ctx(worked())).pass).toBe(false);
    expect(evaluateCheck({ explain: 'open' }, ctx(worked(), { explainOpen: true })).pass).toBe(true);
    expect(evaluateCheck({ any: [{ explain: 'open' }, { trainerState: 'paused' }] }, ctx(worked(), { trainer })).pass).toBe(true);
    expect(evaluateCheck({ not: { trainerState: 'paused' } }, ctx(worked(), { trainer })).pass).toBe(false);
  });

  it('a network without data fails with why instead of throwing', () => {
    const doc = { ...worked(), data: { kind: 'none' as const } };
    expect(evaluateCheck({ compare: { activation: 'out' }, op: 'gt', value: 0 }, ctx(doc))).toEqual({ pass: false, why: 'the network has no data yet' });
  });
});

describe('countChanges', () => {
  it('counts single numbers', () => {
    expect(countChanges(worked(), weight(worked(), 'e1', 3))).toEqual({ weights: 1, biases: 0 });
    expect(countChanges(worked(), worked())).toEqual({ weights: 0, biases: 0 });
  });
});

describe('reasons a learner reads', () => {
  it('a failing comparison names the quantity and what it needs', () => {
    expect(evaluateCheck({ compare: { activation: 'out' }, op: 'gt', value: 0.6 }, ctx(worked()))).toEqual({ pass: false, why: 'a of out is 0.4502; the step needs > 0.6' });
  });
  it('a wrong answer is not told the right number', () => {
    const r = evaluateCheck({ compare: { answer: true }, op: 'near', value: { loss: 'example' }, tolerance: 0.001 }, ctx(worked(), { answer: 0.55 }));
    expect(r).toEqual({ pass: false, why: 'your answer 0.55 is not it yet' });
  });
});

describe('quantization and runs in checks', () => {
  it('the int8 memory quantity is the core\'s quantized size', () => {
    const xor = findTemplate('xor')!.build();
    const v = evaluateQuantity({ quantized: 'int8', measure: 'bytes' }, ctx(xor));
    // 12 weights at 1 byte, 5 units × (4-byte scale + 1-byte zero point), 5 biases at 4 bytes.
    expect(v).toEqual({ ok: true, value: 12 + 5 * 5 + 5 * 4 });
  });

  it('runs of different sizes: two of the same size fail, two sizes pass', () => {
    const c: Condition = { runs: { atLeast: 2, distinctParameters: true } };
    expect(evaluateCheck(c, ctx(worked()))).toEqual({ pass: false, why: '0 runs of networks of different sizes kept; the step needs 2' });
    expect(evaluateCheck(c, ctx(worked(), { runs: [{ parameters: 9 }, { parameters: 9 }] })).pass).toBe(false);
    expect(evaluateCheck(c, ctx(worked(), { runs: [{ parameters: 9 }, { parameters: 13 }] })).pass).toBe(true);
  });
});
