/**
 * Reading a lesson file's text, with located errors as for a network file: a JSON syntax error by line and column, a
 * duplicate key, an unknown field or a wrong value by its path (`steps[2].check.compare`), an embedded network by the
 * network's own checks under its path. Never throws.
 */
import { parseDocument } from '../serialize';
import { scanJson } from '../fileText';
import { checkSchema } from '../schema';
import { findTemplate } from '../templates';
import type { NetworkDocument } from '../document';
import { LESSON_FORMAT, LESSON_VERSION, MAX_LESSON_STEPS, lessonSchema, type Condition, type Lesson, type LessonStep, type Quantity, type LessonAction } from './schema';

export type LessonParseResult =
  | { ok: true; lesson: Lesson }
  | { ok: false; reason: 'invalid-json' | 'not-lesson' | 'version-too-new' | 'invalid'; message: string; path?: string; line?: number; column?: number };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Words for a value that failed a union of shapes, by where it sits. */
function unionWords(path: string): string {
  if (/\.(compare|value)$/.test(path) || /\.answer$/.test(path)) return 'a quantity: one of {"activation": node}, {"preactivation": node}, {"param": …}, {"loss": "example"}, {"target": column}, {"gradient": …}, {"updated": …}, {"answer": true}, {"trainer": …}, {"setting": …}, {"parameters": "count"}, {"quantized": …, "measure": …}, {"calibration": "ece" | "worstConfidence"}';
  if (/\.(param|gradient|updated)$/.test(path)) return 'a parameter: {"edge": id, "index"?: n} or {"bias": node id, "index"?: n}';
  if (/showMe\[\d+\]$/.test(path)) return 'an action: one of "setParam", "setLearningRate", "answer", "select", "explain", "trainer"';
  if (/\.load$/.test(path)) return '{"template": id} or {"document": a network}';
  if (/\.selected$|\.select$/.test(path)) return '{"edge": id} or {"largest": "gradient"}';
  return 'a condition: one of "compare", "changed", "selected", "explain", "trainerState", "runs", "calibrationView", "falling", "plateau", "all", "any", "not"';
}

function findForbiddenKey(value: unknown, path = ''): string | undefined {
  const stack: { v: unknown; p: string }[] = [{ v: value, p: path }];
  while (stack.length > 0) {
    const { v, p } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push({ v: x, p: `${p}[${i}]` }));
      continue;
    }
    for (const key of Object.keys(v)) {
      const at = p === '' ? key : `${p}.${key}`;
      if (FORBIDDEN_KEYS.has(key)) return at;
      stack.push({ v: (v as Record<string, unknown>)[key], p: at });
    }
  }
  return undefined;
}

/** Read a lesson file's text. */
export function parseLesson(text: string): LessonParseResult {
  try {
    return parseUnsafe(text);
  } catch (error) {
    return { ok: false, reason: 'invalid', message: `This lesson could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function parseUnsafe(text: string): LessonParseResult {
  if (typeof text !== 'string') return { ok: false, reason: 'invalid-json', message: 'This file is not text.' };
  const scan = scanJson(text, { steps: MAX_LESSON_STEPS });
  if (!scan.ok && scan.kind === 'syntax') {
    return { ok: false, reason: 'invalid-json', message: `${scan.message} It is not a Netwright lesson.`, line: scan.line, column: scan.column };
  }
  if (!scan.ok && scan.kind === 'too-many') return { ok: false, reason: 'invalid', path: 'steps', message: `steps: a lesson has at most ${MAX_LESSON_STEPS} steps` };
  if (!scan.ok) return { ok: false, reason: 'invalid', message: scan.message, line: scan.line, column: scan.column, ...(scan.path !== undefined ? { path: scan.path } : {}) };
  const raw: unknown = JSON.parse(text);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || (raw as Record<string, unknown>).format !== LESSON_FORMAT) {
    return { ok: false, reason: 'not-lesson', message: `This is not a Netwright lesson: it should start with "format": "${LESSON_FORMAT}".` };
  }
  const version = (raw as Record<string, unknown>).version;
  if (typeof version === 'number' && Number.isInteger(version) && version > LESSON_VERSION) {
    return { ok: false, reason: 'version-too-new', path: 'version', message: `This lesson is version ${version}; this Netwright reads lessons up to version ${LESSON_VERSION}. Update Netwright to open it.` };
  }
  const forbidden = findForbiddenKey(raw);
  if (forbidden) return { ok: false, reason: 'invalid', path: forbidden, message: `${forbidden}: this name is not allowed as a key in a Netwright lesson` };
  const checked = checkSchema(lessonSchema, raw);
  if (!checked.ok) {
    const generic = /: Invalid input$/.test(checked.message) || checked.message === 'Invalid input';
    const message = generic ? `${checked.path}: expected ${unionWords(checked.path)}` : checked.message;
    return { ok: false, reason: 'invalid', path: checked.path, message };
  }
  const lesson = checked.value;
  const problem = checkSteps(lesson);
  if (problem) return { ok: false, reason: 'invalid', ...problem };
  return { ok: true, lesson };
}

/** Meaning checks the schema cannot make: templates that exist, embedded networks that open, ids that exist in them. */
function checkSteps(lesson: Lesson): { path: string; message: string } | undefined {
  let doc: NetworkDocument | undefined;
  for (let i = 0; i < lesson.steps.length; i++) {
    const step = lesson.steps[i]!;
    const at = `steps[${i}]`;
    if (step.load) {
      const loaded = stepDocument(step);
      if (!loaded.ok) return { path: `${at}.load${loaded.path ? `.${loaded.path}` : ''}`, message: `${at}.load: ${loaded.message}` };
      doc = loaded.doc;
    }
    if (step.question === undefined && (usesAnswer(step.check) || (step.showMe ?? []).some((a) => 'answer' in a))) {
      return { path: `${at}.check`, message: `${at}: the check reads the learner's answer, but the step has no "question" to type it in` };
    }
    if (doc) {
      const missing = missingReference(doc, step);
      if (missing) return { path: `${at}.${missing.path}`, message: `${at}.${missing.path}: ${missing.message}` };
    }
  }
  return undefined;
}

/** The document a step loads, or why it cannot. */
export function stepDocument(step: LessonStep): { ok: true; doc: NetworkDocument } | { ok: false; message: string; path?: string } {
  const load = step.load;
  if (!load) return { ok: false, message: 'this step loads nothing' };
  if ('template' in load) {
    const t = findTemplate(load.template);
    return t ? { ok: true, doc: t.build() } : { ok: false, path: 'template', message: `there is no template "${load.template}"` };
  }
  const parsed = parseDocument(JSON.stringify(load.document));
  if (!parsed.ok) return { ok: false, ...(parsed.path ? { path: `document.${parsed.path}` } : {}), message: `the embedded network: ${parsed.message}` };
  return { ok: true, doc: parsed.doc };
}

function usesAnswer(c: Condition | undefined): boolean {
  if (!c) return false;
  if ('compare' in c) return 'answer' in c.compare || (typeof c.value === 'object' && 'answer' in c.value);
  if ('all' in c) return c.all.some(usesAnswer);
  if ('any' in c) return c.any.some(usesAnswer);
  if ('not' in c) return usesAnswer(c.not);
  return false;
}

/** A node or edge named by the step that is not in the network it works on. */
function missingReference(doc: NetworkDocument, step: LessonStep): { path: string; message: string } | undefined {
  const nodes = new Set(doc.nodes.map((n) => n.id));
  const edges = new Set(doc.edges.map((e) => e.id));
  const quantity = (q: Quantity | number, path: string): { path: string; message: string } | undefined => {
    if (typeof q === 'number') return undefined;
    const nodeRef = 'activation' in q ? q.activation : 'preactivation' in q ? q.preactivation : undefined;
    if (nodeRef !== undefined && !nodes.has(nodeRef)) return { path, message: `there is no node "${nodeRef}" in this step's network` };
    const p = 'param' in q ? q.param : 'gradient' in q ? q.gradient : 'updated' in q ? q.updated : undefined;
    if (p) return param(p, path);
    return undefined;
  };
  const param = (p: { edge: string } | { bias: string }, path: string) => {
    if ('edge' in p && !edges.has(p.edge)) return { path, message: `there is no connection "${p.edge}" in this step's network` };
    if ('bias' in p && !nodes.has(p.bias)) return { path, message: `there is no node "${p.bias}" in this step's network` };
    return undefined;
  };
  const condition = (c: Condition, path: string): { path: string; message: string } | undefined => {
    if ('compare' in c) return quantity(c.compare, `${path}.compare`) ?? quantity(c.value, `${path}.value`);
    if ('selected' in c && 'edge' in c.selected && !edges.has(c.selected.edge)) return { path: `${path}.selected`, message: `there is no connection "${c.selected.edge}" in this step's network` };
    if ('all' in c) for (const [i, x] of c.all.entries()) { const m = condition(x, `${path}.all[${i}]`); if (m) return m; }
    if ('any' in c) for (const [i, x] of c.any.entries()) { const m = condition(x, `${path}.any[${i}]`); if (m) return m; }
    if ('not' in c) return condition(c.not, `${path}.not`);
    return undefined;
  };
  const action = (a: LessonAction, path: string) => {
    if ('setParam' in a) return param(a.setParam.param, `${path}.setParam.param`) ?? quantity(a.setParam.value, `${path}.setParam.value`);
    if ('answer' in a) return quantity(a.answer, `${path}.answer`);
    if ('select' in a && 'edge' in a.select && !edges.has(a.select.edge)) return { path: `${path}.select`, message: `there is no connection "${a.select.edge}" in this step's network` };
    return undefined;
  };
  if (step.check) {
    const m = condition(step.check, 'check');
    if (m) return m;
  }
  for (const [i, a] of (step.showMe ?? []).entries()) {
    const m = action(a, `showMe[${i}]`);
    if (m) return m;
  }
  return undefined;
}
