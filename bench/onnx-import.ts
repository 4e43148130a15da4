/**
 * `npx tsx bench/onnx-import.ts`: how long ONNX import takes on the hostile models of issue 11 (each is refused by a
 * limit or imported; the goal is well under 2 s each), and the ConcatInFileOrder migration of a Concat with many
 * inputs. Prints one line per case: wall-clock and CPU milliseconds (median of 3; on a loaded machine the CPU time is
 * the fairer figure), the file size, and the outcome.
 */
import { migrate } from '../src/core/migrations';
import { importOnnx } from '../src/core/onnx/import';
import { TensorType, encodeModel, type OnnxNode, type OnnxTensor } from '../src/core/onnx/onnx';

const op = (opType: string, name: string, inputs: string[], outputs: string[]): OnnxNode => ({ opType, name, inputs, outputs, attributes: [], domain: '' });

function model(nodes: OnnxNode[], initializers: OnnxTensor[], width = 2): Uint8Array {
  return encodeModel({
    irVersion: 8, opsets: [{ domain: '', version: 17 }], producerName: 'bench', producerVersion: '0', docString: '', metadata: {},
    graph: {
      name: 'bench', nodes, initializers,
      inputs: [{ name: 'x', elemType: TensorType.FLOAT, dims: ['N', width] }],
      outputs: [{ name: 'output', elemType: TensorType.FLOAT, dims: ['N', null] }],
    },
  });
}

const W: OnnxTensor = { name: 'W', dims: [2, 2], dataType: TensorType.FLOAT, floats: Float32Array.of(1, 2, 3, 4) };
const N = 100_000;

const cases: [string, () => Uint8Array][] = [
  ['input of 2^31 features', () => model([op('Relu', 'r', ['x'], ['output'])], [], 2 ** 31)],
  ['input of 1e8 features', () => model([op('Relu', 'r', ['x'], ['output'])], [], 1e8)],
  ['chain of 100,000 Relu', () => model(Array.from({ length: N }, (_, k) => op('Relu', `r${k}`, [k === 0 ? 'x' : `t${k - 1}`], [k === N - 1 ? 'output' : `t${k}`])), [])],
  ['chain of 100,000 Identity', () => model([op('MatMul', 'mm', ['x', 'W'], ['t0']), ...Array.from({ length: N }, (_, k) => op('Identity', `i${k}`, [`t${k}`], [k === N - 1 ? 'output' : `t${k + 1}`]))], [W])],
  ['chain of 19,000 Relu', () => model(Array.from({ length: 19_000 }, (_, k) => op('Relu', `r${k}`, [k === 0 ? 'x' : `t${k - 1}`], [k === 18_999 ? 'output' : `t${k}`])), [])],
  ['chain of 19,000 Identity, in reverse order', () => model([op('MatMul', 'mm', ['x', 'W'], ['t0']), ...Array.from({ length: 19_000 }, (_, k) => op('Identity', `i${k}`, [`t${k}`], [k === 18_999 ? 'output' : `t${k + 1}`]))].reverse(), [W])],
  ['chain of 100,000 Identity, in reverse order', () => model([op('MatMul', 'mm', ['x', 'W'], ['t0']), ...Array.from({ length: N }, (_, k) => op('Identity', `i${k}`, [`t${k}`], [k === N - 1 ? 'output' : `t${k + 1}`]))].reverse(), [W])],
  ['Sum of 1,000,000 inputs', () => model([op('Relu', 'r', ['x'], ['a']), op('Sum', 'big', Array.from({ length: 1_000_000 }, () => 'a'), ['output'])], [])],
  ['Sum of 40,000 distinct values', () => model([...Array.from({ length: 40_000 }, (_, k) => op('Relu', `r${k}`, ['x'], [`a${k}`])), op('Sum', 'big', Array.from({ length: 40_000 }, (_, k) => `a${k}`), ['output'])], [])],
  ['MatMul 5000×5000', () => model([op('MatMul', 'mm', ['x', 'W'], ['output'])], [{ name: 'W', dims: [5000, 5000], dataType: TensorType.FLOAT, floats: new Float32Array(25_000_000) }], 5000)],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

for (const [title, make] of cases) {
  const bytes = make();
  const times: number[] = [];
  const cpu: number[] = [];
  let outcome = '';
  for (let r = 0; r < 3; r++) {
    const c = process.cpuUsage();
    const t = performance.now();
    const result = importOnnx(bytes);
    times.push(performance.now() - t);
    cpu.push(process.cpuUsage(c).user / 1000);
    outcome = result.ok ? `imported (${result.doc.nodes.length} nodes)` : result.message.slice(0, 110);
  }
  console.log(`${title.padEnd(44)} ${median(times).toFixed(0).padStart(6)} ms (cpu ${median(cpu).toFixed(0).padStart(5)} ms)  ${(bytes.length / 1e6).toFixed(1).padStart(6)} MB  ${outcome}`);
}

// ConcatInFileOrder on a version 2 file whose Concat has 200,000 inputs (ids sort differently from file order)
const inputs = 200_000;
const raw = {
  format: 'netwright', version: 2, name: 'wide concat',
  nodes: [{ id: 'c', type: 'concat' }, ...Array.from({ length: inputs }, (_, k) => ({ id: `x${k}`, type: 'input' }))],
  edges: Array.from({ length: inputs }, (_, k) => ({ id: `e${k}`, source: `x${k}`, target: 'c' })),
};
const c = process.cpuUsage();
const t = performance.now();
const migrated = migrate(raw);
console.log(`${'ConcatInFileOrder, a Concat of 200,000 inputs'.padEnd(44)} ${(performance.now() - t).toFixed(0).padStart(6)} ms (cpu ${(process.cpuUsage(c).user / 1000).toFixed(0).padStart(5)} ms)  ${migrated.ok ? `migrated (${migrated.applied.join(', ')})` : migrated.message}`);
