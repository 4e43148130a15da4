/**
 * Export a network document as an ONNX model with its weights, for inference elsewhere (ONNX Runtime, …).
 *
 * The model has one input `input` [N, inputSize] (the columns in the network's featureNames order) and one output
 * `output` [N, outputSize] (the Output node's values: after the last activation, so probabilities for sigmoid and
 * softmax). Node by node, in topological order, each kind emits its own operators (`onnx.export` in its module,
 * src/core/kinds/<kind>.ts): e.g. Input → Gather(input, its columns, axis=1); Neuron/Dense → Gemm(A, W, b) and the
 * activation, where A is the source, or Concat(sources) with W stacking the edges' blocks; Output → Identity → `output`.
 * Activations: Relu, LeakyRelu(alpha 0.01), Elu(alpha 1), Sigmoid, Tanh, Sin, Softmax(axis -1), Identity (linear),
 * Gelu: opset 20's Gelu(approximate="tanh"), or at opset 17 the same formula from Mul/Add/Tanh.
 * The opset is 17, or 20 when the network uses gelu (unless `opset` says otherwise).
 */
import { ACTIVATION_CONSTANTS } from '../activations';
import type { ActivationName, LossName, NetworkDocument } from '../document';
import type { OnnxExportContext } from '../kinds/kind';
import { compilePlan, type PlanNode } from '../network/compile';
import type { QuantizedParameters } from '../quantize';
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
  /**
   * Export the quantized model (quantizeParameters): int8 weight matrices as INT8 initialisers with their scales and
   * zero points into DequantizeLinear (axis 1 for one scale per unit), fp16 ones as FLOAT16 initialisers into
   * Cast(to float); everything else (biases) from its `params`. The model computes what the core's forward does with
   * the quantized parameters.
   */
  quantized?: QuantizedParameters;
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
  if (options.quantized) {
    if (options.quantized.params.length !== layout.size) {
      return { ok: false, message: `Cannot export ONNX: the quantized parameters (${options.quantized.params.length}) do not fit this network (${layout.size})` };
    }
    params = options.quantized.params;
  }
  const quantizedOf = new Map((options.quantized?.matrices ?? []).map((m) => [m.nodeId, m]));
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
    const ctx: OnnxExportContext<typeof node> = {
      node, plan: p, base, unique, inputs: p.inputs.map((k) => out[k]!), inputShapes: p.inputs.map((k) => plan.nodes[k]!.shape), params, opset,
      modelInput: ONNX_INPUT, modelOutput: ONNX_OUTPUT, add, constant,
      intConstant: (name, dims, values) => {
        initializers.push({ name, dims, dataType: TensorType.INT64, ints: [...values] });
        return name;
      },
      activation: activationOp, attrFloat, attrInt,
      weights: (name, dims, values) => {
        const m = quantizedOf.get(p.id);
        if (!m) return constant(name, dims, values);
        if (m.rows !== dims[0] || m.cols !== dims[1]) throw new Error(`the quantized weights of ${p.id} do not fit its ${dims.join('×')} matrix`);
        const deq = unique(`${name}/dequantized`);
        if (m.half) {
          const raw = new Uint8Array(m.half.length * 2);
          const view = new DataView(raw.buffer);
          m.half.forEach((h, k) => view.setUint16(k * 2, h, true));
          const stored = unique(`${name}_fp16`);
          initializers.push({ name: stored, dims, dataType: TensorType.FLOAT16, raw });
          add('Cast', deq, [stored], [deq], [attrInt('to', TensorType.FLOAT)]);
          return deq;
        }
        const q = m.q!;
        const scales = m.scales!;
        const stored = unique(`${name}_int8`);
        initializers.push({ name: stored, dims, dataType: TensorType.INT8, raw: new Uint8Array(q.buffer, q.byteOffset, q.length).slice() });
        const perUnit = options.quantized!.options.per === 'unit';
        const scaleDims = perUnit ? [scales.length] : [];
        const scale = constant(unique(`${name}_scale`), scaleDims, scales);
        const zero = unique(`${name}_zero_point`);
        initializers.push({ name: zero, dims: scaleDims, dataType: TensorType.INT8, raw: new Uint8Array(scales.length) });
        add('DequantizeLinear', deq, [stored, scale, zero], [deq], perUnit ? [attrInt('axis', 1)] : []);
        return deq;
      },
    };
    out[i] = p.kind.onnx.export(ctx);
  });

  const outputNode = plan.nodes[plan.outputIndex]!;
  const outputTargets = [...outputNode.kind.targets!(outputNode.node)];
  const outputLoss: LossName = outputNode.kind.loss!(outputNode.node);
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
      [META_TARGETS]: JSON.stringify(outputTargets),
      [META_LOSS]: outputLoss,
    },
  };
  return { ok: true, bytes: encodeModel(model), opset, featureNames: [...plan.featureNames], targetNames: [...outputTargets] };
}
