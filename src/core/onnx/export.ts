/**
 * Export a network document as an ONNX model with its weights, for inference elsewhere (ONNX Runtime, …).
 *
 * The model has one input `input` [N, inputSize] (the columns in the network's featureNames order) and one output
 * `output` [N, outputSize] (the Output node's values: after the last activation, so probabilities for sigmoid and
 * softmax). Node by node, in topological order:
 *   Input         Gather(input, its columns, axis=1)
 *   Neuron/Dense  Gemm(A, W, b) then the activation, where A is the source, or Concat(sources, axis=1) when the node
 *                 has several incoming edges and W stacks their weight blocks in the same order (one product, so the
 *                 sum over edges happens inside Gemm); a neuron-level graph is the same with 1-unit blocks
 *   Activation    Relu, LeakyRelu(alpha 0.01), Elu(alpha 1), Sigmoid, Tanh, Sin, Softmax(axis -1), Identity (linear),
 *                 Gelu: opset 20's Gelu(approximate="tanh"), or at opset 17 the same formula from Mul/Add/Tanh
 *   Dropout       Identity (inference)
 *   Add           Add (two inputs) or Sum
 *   Concat        Concat(axis=1) in the node's input order
 *   Output        Identity → `output`
 * The opset is 17, or 20 when the network uses gelu (unless `opset` says otherwise).
 */
import { ACTIVATION_CONSTANTS } from '../activations';
import type { ActivationName, NetworkDocument } from '../document';
import { nodeLabel } from '../graph';
import { compilePlan, type PlanNode } from '../network/compile';
import { AttributeType, TensorType, encodeModel, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor } from './onnx';

export interface OnnxExportOptions {
  /** The parameters to write (e.g. a trained network's `params`, in its layout); default: the document's weights. */
  params?: Float32Array;
  /** Columns of the input, e.g. the data set's featureNames; default: the Input nodes' features. */
  featureNames?: readonly string[];
  /** 17 or later. Default: 17, or 20 when a gelu is used (native Gelu). */
  opset?: number;
  /** producer_version in the model. */
  producerVersion?: string;
}

export type OnnxExportResult =
  | { ok: true; bytes: Uint8Array; opset: number; featureNames: string[]; targetNames: string[] }
  | { ok: false; message: string };

export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'output';
/** Metadata keys written into the model, read back by importOnnx. */
export const META_FEATURES = 'netwright.featureNames';
export const META_TARGETS = 'netwright.targetNames';
export const META_LOSS = 'netwright.loss';

const OP_OF: Record<Exclude<ActivationName, 'gelu'>, string> = {
  linear: 'Identity', relu: 'Relu', leakyRelu: 'LeakyRelu', elu: 'Elu', sigmoid: 'Sigmoid', tanh: 'Tanh', sine: 'Sin', softmax: 'Softmax',
};

const attrFloat = (name: string, f: number): OnnxAttribute => ({ name, type: AttributeType.FLOAT, f });
const attrInt = (name: string, i: number): OnnxAttribute => ({ name, type: AttributeType.INT, i });
const attrString = (name: string, s: string): OnnxAttribute => ({ name, type: AttributeType.STRING, s });

/** The network as ONNX bytes, or why it cannot be exported. Never throws. */
export function exportOnnx(doc: NetworkDocument, options: OnnxExportOptions = {}): OnnxExportResult {
  try {
    return exportUnsafe(doc, options);
  } catch (error) {
    return { ok: false, message: `Cannot export ONNX: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function exportUnsafe(doc: NetworkDocument, options: OnnxExportOptions): OnnxExportResult {
  const compiled = compilePlan(doc, options.featureNames ? { featureNames: options.featureNames } : {});
  if (!compiled.ok) return { ok: false, message: `Cannot export ONNX: ${compiled.problems[0]!.message}` };
  const { plan, layout } = compiled.value;
  let params = compiled.value.params;
  if (options.params) {
    if (options.params.length !== layout.size) {
      return { ok: false, message: `Cannot export ONNX: ${options.params.length} parameters were given but the network has ${layout.size}` };
    }
    params = options.params;
  }
  for (let i = 0; i < params.length; i++) {
    if (!Number.isFinite(params[i])) return { ok: false, message: `Cannot export ONNX: parameter ${i} is ${params[i]}; train again or reset the weights` };
  }
  const usesGelu = plan.nodes.some((p) => p.activation?.name === 'gelu');
  const opset = options.opset ?? (usesGelu ? 20 : 17);
  if (!Number.isInteger(opset) || opset < 17) return { ok: false, message: `Cannot export ONNX: opset ${opset} is not supported (17 or later)` };

  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const usedNames = new Set<string>([ONNX_INPUT, ONNX_OUTPUT]);
  const unique = (base: string): string => {
    const clean = base.trim() === '' ? 'node' : base.trim();
    let name = clean;
    for (let k = 2; usedNames.has(name); k++) name = `${clean}_${k}`;
    usedNames.add(name);
    return name;
  };
  const add = (opType: string, name: string, inputs: string[], outputs: string[], attributes: OnnxAttribute[] = []) => {
    nodes.push({ name, opType, domain: '', inputs, outputs, attributes });
  };
  const constant = (name: string, dims: number[], values: ArrayLike<number>): string => {
    initializers.push({ name, dims, dataType: TensorType.FLOAT, floats: Float32Array.from(values) });
    return name;
  };

  /** The tensor holding each plan node's output. */
  const out: string[] = new Array<string>(plan.nodes.length);
  const activationOp = (act: ActivationName, base: string, input: string, output: string) => {
    if (act === 'gelu') {
      if (opset >= 20) add('Gelu', base, [input], [output], [attrString('approximate', 'tanh')]);
      else composeGelu(base, input, output);
      return;
    }
    const attrs: OnnxAttribute[] = [];
    if (act === 'leakyRelu') attrs.push(attrFloat('alpha', ACTIVATION_CONSTANTS.leakyReluAlpha));
    if (act === 'elu') attrs.push(attrFloat('alpha', ACTIVATION_CONSTANTS.eluAlpha));
    if (act === 'softmax') attrs.push(attrInt('axis', -1));
    add(OP_OF[act], base, [input], [output], attrs);
  };
  /** gelu(z) = ½ z (1 + tanh(√(2/π)(z + 0.044715 z³))) from opset-17 operators. */
  const composeGelu = (base: string, z: string, output: string) => {
    const c = constant(unique(`${base}/sqrt_2_over_pi`), [], [Math.sqrt(2 / Math.PI)]);
    const k = constant(unique(`${base}/0.044715`), [], [0.044715]);
    const one = constant(unique(`${base}/one`), [], [1]);
    const half = constant(unique(`${base}/half`), [], [0.5]);
    const t = (s: string) => unique(`${base}/${s}`);
    const z2 = t('z2'), z3 = t('z3'), kz3 = t('kz3'), inner = t('inner'), scaled = t('scaled'), th = t('tanh'), onePlus = t('one_plus'), zHalf = t('half_z');
    add('Mul', z2, [z, z], [z2]);
    add('Mul', z3, [z2, z], [z3]);
    add('Mul', kz3, [z3, k], [kz3]);
    add('Add', inner, [z, kz3], [inner]);
    add('Mul', scaled, [inner, c], [scaled]);
    add('Tanh', th, [scaled], [th]);
    add('Add', onePlus, [th, one], [onePlus]);
    add('Mul', zHalf, [z, half], [zHalf]);
    add('Mul', base, [zHalf, onePlus], [output]);
  };

  plan.nodes.forEach((p: PlanNode, i) => {
    const node = p.node;
    const base = unique(node.name || node.id);
    const inputs = p.inputs.map((k) => out[k]!);
    switch (node.type) {
      case 'input': {
        const idx = unique(`${base}/columns`);
        initializers.push({ name: idx, dims: [p.columns!.length], dataType: TensorType.INT64, ints: Array.from(p.columns!) });
        add('Gather', base, [ONNX_INPUT, idx], [base], [attrInt('axis', 1)]);
        out[i] = base;
        return;
      }
      case 'neuron':
      case 'dense': {
        let a = inputs[0]!;
        if (inputs.length > 1) {
          a = unique(`${base}/inputs`);
          add('Concat', a, inputs, [a], [attrInt('axis', 1)]);
        }
        const rows = p.blocks.reduce((s, b) => s + b.rows, 0);
        const w = new Float32Array(rows * p.size);
        let r = 0;
        for (const b of p.blocks) {
          w.set(params.subarray(b.offset, b.offset + b.rows * b.cols), r * p.size);
          r += b.rows;
        }
        const gemmInputs = [a, constant(unique(`${base}/W`), [rows, p.size], w)];
        if (p.bias) gemmInputs.push(constant(unique(`${base}/b`), [p.size], params.subarray(p.bias.offset, p.bias.offset + p.bias.length)));
        const act = p.activation!.name;
        const z = act === 'linear' ? base : unique(`${base}/z`);
        add('Gemm', act === 'linear' ? base : z, gemmInputs, [z]);
        if (act !== 'linear') activationOp(act, base, z, base);
        out[i] = base;
        return;
      }
      case 'activation':
        activationOp(p.activation!.name, base, inputs[0]!, base);
        out[i] = base;
        return;
      case 'dropout':
        add('Identity', base, [inputs[0]!], [base]);
        out[i] = base;
        return;
      case 'add':
        add(inputs.length === 2 ? 'Add' : inputs.length === 1 ? 'Identity' : 'Sum', base, inputs, [base]);
        out[i] = base;
        return;
      case 'concat':
        if (inputs.length === 1) add('Identity', base, inputs, [base]);
        else add('Concat', base, inputs, [base], [attrInt('axis', 1)]);
        out[i] = base;
        return;
      case 'output':
        add('Identity', base, [inputs[0]!], [ONNX_OUTPUT]);
        out[i] = ONNX_OUTPUT;
        return;
      default:
        throw new Error(`${nodeLabel(node)}: this kind of node cannot be exported`);
    }
  });

  const outputNode = plan.nodes[plan.outputIndex]!;
  const outputNodeDoc = outputNode.node as Extract<NetworkDocument['nodes'][number], { type: 'output' }>;
  const model: OnnxModel = {
    irVersion: opset >= 21 ? 10 : opset >= 19 ? 9 : 8,
    opsets: [{ domain: '', version: opset }],
    producerName: 'Netwright',
    producerVersion: options.producerVersion ?? '1',
    docString: doc.name,
    graph: {
      name: doc.name || 'network',
      nodes,
      initializers,
      inputs: [{ name: ONNX_INPUT, elemType: TensorType.FLOAT, dims: ['N', plan.inputWidth] }],
      outputs: [{ name: ONNX_OUTPUT, elemType: TensorType.FLOAT, dims: ['N', outputNode.size] }],
    },
    metadata: {
      [META_FEATURES]: JSON.stringify(plan.featureNames),
      [META_TARGETS]: JSON.stringify(outputNodeDoc.targets),
      [META_LOSS]: outputNodeDoc.loss,
    },
  };
  return { ok: true, bytes: encodeModel(model), opset, featureNames: [...plan.featureNames], targetNames: [...outputNodeDoc.targets] };
}
