/**
 * int8 and fp16 against float32 on the templates: each template trained by the core for its document's epochs
 * (or NETWRIGHT_QUANT_EPOCHS), then its test split evaluated with float32, fp16, int8 per tensor and int8 per unit
 * weights. Prints a Markdown table. `npx tsx bench/quantize-report.ts [template ...]`, e.g. `digits-mlp digits-cnn`.
 * Training is bounded: at most NETWRIGHT_QUANT_MAX_EPOCHS epochs (default 3) for the digits templates, whose
 * documents ask for more than this machine trains in minutes; the table says how many epochs each ran.
 */
import { loadDataset, prepareDataset } from '../src/core/data';
import { evaluateQuantization, type QuantOptions } from '../src/core/quantize';
import { findTemplate } from '../src/core/templates';
import { createTrainingSession } from '../src/core/train';

const ids = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['spiral', 'iris', 'xor'];
const OPTIONS: [string, QuantOptions][] = [['fp16', { format: 'fp16' }], ['int8/tensor', { format: 'int8', per: 'tensor' }], ['int8/unit', { format: 'int8', per: 'unit' }]];
const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)} %`);

console.log('| template | epochs | fp32 acc (loss) | ' + OPTIONS.map(([n]) => `${n} acc (loss)`).join(' | ') + ' | bytes fp32 → int8/unit |');
console.log('| --- | --- | --- | ' + OPTIONS.map(() => '---').join(' | ') + ' | --- |');
for (const id of ids) {
  const template = findTemplate(id);
  if (!template) throw new Error(`no template ${id}`);
  const doc = template.build();
  // Data sets shipped as assets (the digits) load on demand.
  await prepareDataset(doc.data);
  const data = loadDataset(doc.data);
  if (!data.ok) throw new Error(data.message);
  const s = createTrainingSession(doc, data.dataset);
  if (!s.ok) throw new Error(s.problems[0]!.message);
  const bound = doc.data.kind === 'builtin' && doc.data.name === 'digits' ? Number(process.env.NETWRIGHT_QUANT_MAX_EPOCHS ?? 3) : Infinity;
  const epochs = Math.min(Number(process.env.NETWRIGHT_QUANT_EPOCHS ?? doc.training.epochs), bound);
  const started = performance.now();
  for (let e = 0; e < epochs; e++) {
    const r = s.session.stepEpoch();
    if (r.kind !== 'ok') throw new Error(`${id} diverged at epoch ${e + 1}`);
  }
  console.error(`${id}: ${epochs} epochs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const params = Float32Array.from(s.session.net.params);
  const cells: string[] = [];
  let fp32 = '';
  let bytes = '';
  for (const [, o] of OPTIONS) {
    const r = evaluateQuantization(doc, o, params);
    if (!r.ok) throw new Error(r.message);
    fp32 = `${pct(r.report.before.accuracy)} (${r.report.before.loss.toFixed(4)})`;
    cells.push(`${pct(r.report.after.accuracy)} (${r.report.after.loss.toFixed(4)})`);
    if (o.format === 'int8' && o.per === 'unit') bytes = `${r.report.bytes.fp32} → ${r.report.bytes.quantized}`;
  }
  console.log(`| ${id} | ${epochs} | ${fp32} | ${cells.join(' | ')} | ${bytes} |`);
}
