/**
 * `npx tsx bench/save-large.ts`: saving and opening a document at the file's weight limit (8,000,000 weights and
 * biases: the digits MLP with a 10,000-unit hidden layer). Prints wall-clock and CPU milliseconds (median of 3) of
 * trySerializeDocument and parseDocument, and of their parts: the schema check (zod and the numeric-array loop) and
 * the JSON writing. Not a test: figures for before/after (run it in two checkouts).
 */
import { cpuUsage } from 'node:process';
import { compilePlan } from '../src/core/network/compile';
import { writeParams } from '../src/core/kinds/params';
import { MAX_FILE_PARAMETERS } from '../src/core/limits';
import { checkDocument, checkSchema, documentSchema } from '../src/core/schema';
import { parseDocument, trySerializeDocument } from '../src/core/serialize';
import { findTemplate } from '../src/core/templates';

const base = findTemplate('digits-mlp')!.build();
const doc0 = { ...base, nodes: base.nodes.map((n) => (n.type === 'dense' && n.name === 'hidden' ? { ...n, units: 10_000 } : n)) };
const plan = compilePlan(doc0);
if (!plan.ok) throw new Error(plan.problems[0]!.message);
const params = plan.value.params.slice();
for (let k = 0; k < params.length; k++) params[k] = Math.fround(Math.sin(k) * 0.05);
const doc = writeParams(doc0, plan.value.layout, params);
console.log(`${params.length.toLocaleString('en')} weights and biases (limit ${MAX_FILE_PARAMETERS.toLocaleString('en')})`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function time(label: string, run: () => unknown): void {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < 3; r++) {
    const c0 = cpuUsage();
    const t0 = performance.now();
    run();
    wall.push(performance.now() - t0);
    const c = cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  console.log(`${label.padEnd(34)} ${median(wall).toFixed(0).padStart(7)} ms wall ${median(cpu).toFixed(0).padStart(7)} ms cpu`);
}

let text = '';
time('save (trySerializeDocument)', () => {
  const saved = trySerializeDocument(doc);
  if (!saved.ok) throw new Error(saved.message);
  text = saved.text;
});
console.log(`file: ${(text.length / 1e6).toFixed(1)} MB`);
time('  zod on every number (checkSchema)', () => checkSchema(documentSchema, doc));
time('  zod + number loop (checkDocument)', () => checkDocument(doc));
time('open (parseDocument)', () => {
  const opened = parseDocument(text);
  if (!opened.ok) throw new Error(opened.message);
});
