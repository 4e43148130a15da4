/**
 * Run by tests/e2e/quantize.spec.ts with tsx (Playwright's loader cannot import the core's data sets, which include
 * JSON): prints the core's quantization reports for the Iris template and the int8 model's outputs on fixed inputs.
 */
import { compileNetwork } from '../../../src/core/network';
import { evaluateQuantization, type QuantizationReport } from '../../../src/core/quantize';
import { createRng } from '../../../src/core/random';
import { findTemplate } from '../../../src/core/templates';

const doc = findTemplate('iris')!.build();
const int8 = evaluateQuantization(doc, { format: 'int8', per: 'unit' });
const fp16 = evaluateQuantization(doc, { format: 'fp16' });
if (!int8.ok || !fp16.ok) throw new Error('quantize');
const c = compileNetwork(doc);
if (!c.ok) throw new Error('compile');
c.net.setParams(int8.report.quantized.params);
const rng = createRng(3);
const x = Float32Array.from({ length: 5 * c.net.inputSize }, () => rng.uniform(-2, 2));
const pick = (r: QuantizationReport) => ({ before: r.before, after: r.after, bytes: r.bytes });
console.log(JSON.stringify({ reports: { int8: pick(int8.report), fp16: pick(fp16.report) }, inputSize: c.net.inputSize, x: [...x], outputs: [...c.net.forward(x, 5)] }));
