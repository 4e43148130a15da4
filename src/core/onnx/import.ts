/**
 * Import an ONNX model as a network document, for the models Netwright can represent: one float input [N, k], one
 * output, and the operators Gather (columns of the input), Gemm, MatMul (+ Add of a constant bias), Relu, LeakyRelu
 * (alpha 0.01), Elu (alpha 1), Sigmoid, Tanh, Gelu (approximate "tanh"), Sin, Softmax (last axis), Identity, Dropout,
 * Add / Sum (of values), Concat (axis 1). Anything else is refused naming the node: "node 'Conv_3': Conv is not supported".
 *
 * The document has one Input per Gather (or one for the whole input vector), a Dense layer per Gemm/MatMul with the
 * activation after it folded in when nothing else reads the pre-activation, Activation, Add and Concat nodes, and an
 * Output whose loss comes from the model's metadata (a Netwright export) or is guessed from the last activation
 * (sigmoid → binary cross-entropy, softmax → softmax cross-entropy, else mean squared error). Laid out left to right.
 */
import {
  DEFAULT_TRAINING, DOCUMENT_FORMAT, DOCUMENT_VERSION, LOSS_NAMES,
  type ActivationName, type LossName, type NetworkDocument, type NetworkEdge, type NetworkNode,
} from '../document';
import { COLUMN_STEP, ROW_STEP } from '../templates';
import { validateDocument } from '../validate';
import { META_FEATURES, META_LOSS, META_TARGETS } from './export';
import { AttributeType, TensorType, decodeModel, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor } from './onnx';
import { ProtobufError } from './protobuf';

export type OnnxImportResult = { ok: true; doc: NetworkDocument; warnings: string[] } | { ok: false; message: string };

export interface OnnxImportOptions {
  /** The document's name. Default: the model graph's name. */
  name?: string;
}

class ImportError extends Error {}

const ACTIVATION_OF: Record<string, ActivationName> = {
  Relu: 'relu', LeakyRelu: 'leakyRelu', Elu: 'elu', Sigmoid: 'sigmoid', Tanh: 'tanh', Gelu: 'gelu', Sin: 'sine', Softmax: 'softmax',
};

/** Operators that pass their (single) input through unchanged. */
const isAlias = (n: OnnxNode) => {
  const ins = n.inputs.filter((i) => i !== '');
  return n.opType === 'Identity' || n.opType === 'Dropout' || ((n.opType === 'Concat' || n.opType === 'Sum') && ins.length === 1);
};

type Value =
  | { kind: 'input'; size: number }
  | { kind: 'node'; nodeId: string; size: number }
  | { kind: 'const'; tensor: OnnxTensor };

/** Read ONNX bytes into a document, or say what stops it. Never throws. */
export function importOnnx(bytes: Uint8Array, options: OnnxImportOptions = {}): OnnxImportResult {
  let model: OnnxModel;
  try {
    model = decodeModel(bytes);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `This is not an ONNX model Netwright can read (${detail}).` };
  }
  try {
    return new Importer(model, options).run();
  } catch (error) {
    if (error instanceof ImportError || error instanceof ProtobufError) return { ok: false, message: `Cannot import: ${error.message}` };
    return { ok: false, message: `Cannot import: ${error instanceof Error ? error.message : String(error)}` };
  }
}

class Importer {
  private readonly nodes: NetworkNode[] = [];
  private readonly edges: NetworkEdge[] = [];
  private readonly values = new Map<string, Value>();
  /** How many ONNX nodes (and graph outputs) read each tensor. */
  private readonly readers = new Map<string, number>();
  /** Output of an alias operator → the tensor it passes through. */
  private readonly aliases = new Map<string, string>();
  private readonly warnings: string[] = [];
  private featureNames: string[] = [];
  private wholeInput: string | undefined;
  private nextId = 1;
  private inputName = '';

  constructor(
    private readonly model: OnnxModel,
    private readonly options: OnnxImportOptions,
  ) {}

  run(): OnnxImportResult {
    const { graph } = this.model;
    const opset = this.model.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx');
    if (!opset) throw new ImportError('the model does not import the standard ONNX operator set');
    for (const t of graph.initializers) this.values.set(t.name, { kind: 'const', tensor: t });

    const inputs = graph.inputs.filter((i) => !this.values.has(i.name));
    if (inputs.length !== 1) throw new ImportError(`the model has ${inputs.length} inputs; Netwright reads models with exactly one input [N, features]`);
    const input = inputs[0]!;
    if (input.elemType !== TensorType.FLOAT) throw new ImportError(`input '${input.name}': only float32 inputs are supported`);
    const width = input.dims[1];
    if (input.dims.length !== 2 || typeof width !== 'number' || width < 1) {
      throw new ImportError(`input '${input.name}': expected the shape [N, features] with a fixed number of features, got [${input.dims.map((d) => d ?? '?').join(', ')}]`);
    }
    this.inputName = input.name;
    this.values.set(input.name, { kind: 'input', size: width });
    this.featureNames = namesFrom(this.model.metadata[META_FEATURES], width) ?? Array.from({ length: width }, (_, i) => `x${i + 1}`);

    if (graph.outputs.length !== 1) throw new ImportError(`the model has ${graph.outputs.length} outputs; Netwright networks have exactly one`);
    // Readers are counted on the tensor an alias (Identity, Dropout) passes through, so folding a bias or an
    // activation into a Dense never changes what another reader of the same value sees.
    const root = (name: string) => this.aliases.get(name) ?? name;
    const read = (name: string) => this.readers.set(root(name), (this.readers.get(root(name)) ?? 0) + 1);
    for (const n of graph.nodes) {
      if (isAlias(n) && n.outputs[0]) this.aliases.set(n.outputs[0], root(n.inputs.find((i) => i !== '') ?? ''));
      else for (const i of n.inputs) if (i !== '') read(i);
    }
    for (const o of graph.outputs) read(o.name);

    for (const n of graph.nodes) this.importNode(n);

    const outName = graph.outputs[0]!.name;
    const produced = this.values.get(outName);
    if (!produced) throw new ImportError(`output '${outName}' is not computed by any node`);
    if (produced.kind !== 'node') throw new ImportError(`output '${outName}' is ${produced.kind === 'input' ? 'the input itself' : 'a constant'}; there is no network to import`);
    const producer = this.nodes.find((n) => n.id === produced.nodeId)!;
    const lastActivation = 'activation' in producer ? producer.activation : undefined;
    const metaLoss = this.model.metadata[META_LOSS];
    const loss: LossName = (LOSS_NAMES as readonly string[]).includes(metaLoss ?? '')
      ? (metaLoss as LossName)
      : lastActivation === 'sigmoid' ? 'binaryCrossEntropy' : lastActivation === 'softmax' ? 'softmaxCrossEntropy' : 'mse';
    const targets = namesFrom(this.model.metadata[META_TARGETS], produced.size) ?? Array.from({ length: produced.size }, (_, i) => (produced.size === 1 ? 'y' : `y${i + 1}`));
    // A Netwright export ends in Identity(<the Output node's name>) → output.
    const last = graph.nodes.find((n) => n.outputs[0] === outName);
    const outputName = last && last.opType === 'Identity' && last.name !== '' ? last.name : 'output';
    const outputId = this.addNode({ id: '', type: 'output', name: outputName, position: { x: 0, y: 0 }, loss, targets });
    this.connect(produced.nodeId, outputId);

    this.layout();
    const doc: NetworkDocument = {
      format: DOCUMENT_FORMAT,
      version: DOCUMENT_VERSION,
      name: this.options.name ?? (graph.name || 'Imported model'),
      nodes: this.nodes,
      edges: this.edges,
      training: { ...DEFAULT_TRAINING, schedule: { ...DEFAULT_TRAINING.schedule }, initializer: 'document' },
      data: { kind: 'none' },
      nextId: this.nextId,
    };
    const report = validateDocument(doc);
    if (report.errors.length > 0) throw new ImportError(`the imported network is not valid: ${report.errors[0]!.message}`);
    return { ok: true, doc, warnings: this.warnings };
  }

  private readersOf(tensor: string): number {
    return this.readers.get(this.aliases.get(tensor) ?? tensor) ?? 0;
  }

  private newId(prefix: string): string {
    return `${prefix}${this.nextId++}`;
  }

  private addNode(node: NetworkNode): string {
    node.id = this.newId('n');
    this.nodes.push(node);
    return node.id;
  }

  private connect(source: string, target: string, extra: Partial<NetworkEdge> = {}): NetworkEdge {
    const edge: NetworkEdge = { id: this.newId('e'), source, target, ...extra };
    this.edges.push(edge);
    return edge;
  }

  /** The node id a value comes from (the whole input becomes one Input node, made on first use). */
  private sourceOf(value: Value, label: string): { id: string; size: number } {
    if (value.kind === 'node') return { id: value.nodeId, size: value.size };
    if (value.kind === 'input') {
      this.wholeInput ??= this.addNode({ id: '', type: 'input', name: this.inputName || 'input', position: { x: 0, y: 0 }, features: [...this.featureNames] });
      return { id: this.wholeInput, size: value.size };
    }
    throw new ImportError(`${label}: a constant ('${value.tensor.name}') where Netwright expects a computed value`);
  }

  private value(name: string, label: string): Value {
    const v = this.values.get(name);
    if (!v) throw new ImportError(`${label}: its input '${name}' is not computed before it (unknown tensor, or the graph is not in order)`);
    return v;
  }

  private importNode(n: OnnxNode): void {
    const label = `node '${n.name || n.outputs[0] || n.opType}'`;
    if (n.domain !== '' && n.domain !== 'ai.onnx') throw new ImportError(`${label}: ${n.domain}.${n.opType} is not supported`);
    const out = n.outputs[0];
    if (out === undefined || out === '') throw new ImportError(`${label}: it has no output`);
    const name = n.name || out;
    const attr = (a: string) => n.attributes.find((x) => x.name === a);
    const set = (v: Value) => this.values.set(out, v);
    const ins = n.inputs.filter((i) => i !== '');

    switch (n.opType) {
      case 'Gather': {
        const data = this.value(ins[0] ?? '', label);
        const indices = this.value(ins[1] ?? '', label);
        const axis = intAttr(attr('axis'), 0, label);
        if (data.kind !== 'input' || indices.kind !== 'const' || (axis !== 1 && axis !== -1) || indices.tensor.dims.length !== 1 || !indices.tensor.ints) {
          throw new ImportError(`${label}: Gather is supported only to pick columns of the model's input (axis 1, a constant list of int64 indices)`);
        }
        const features = indices.tensor.ints.map((k) => {
          const col = k < 0 ? k + data.size : k;
          if (col < 0 || col >= data.size) throw new ImportError(`${label}: column ${k} is outside the input's ${data.size} columns`);
          return this.featureNames[col]!;
        });
        if (features.length === 0) throw new ImportError(`${label}: picks no columns`);
        const id = this.addNode({ id: '', type: 'input', name, position: { x: 0, y: 0 }, features });
        set({ kind: 'node', nodeId: id, size: features.length });
        return;
      }
      case 'Gemm':
      case 'MatMul': {
        const a = this.sourceOf(this.value(ins[0] ?? '', label), label);
        const b = this.value(ins[1] ?? '', label);
        if (b.kind !== 'const' || !b.tensor.floats || b.tensor.dims.length !== 2) {
          throw new ImportError(`${label}: ${n.opType} is supported only with a constant float32 weight matrix as its second input`);
        }
        const gemm = n.opType === 'Gemm';
        if (gemm && intAttr(attr('transA'), 0, label) !== 0) throw new ImportError(`${label}: Gemm with transA = 1 is not supported`);
        const transB = gemm && intAttr(attr('transB'), 0, label) !== 0;
        const alpha = gemm ? floatAttr(attr('alpha'), 1, label) : 1;
        const beta = gemm ? floatAttr(attr('beta'), 1, label) : 1;
        const [d0, d1] = b.tensor.dims as [number, number];
        const rows = transB ? d1 : d0;
        const units = transB ? d0 : d1;
        if (rows !== a.size) throw new ImportError(`${label}: its weight matrix has ${rows} rows but its input has ${a.size} values`);
        if (units < 1) throw new ImportError(`${label}: its weight matrix has no columns`);
        const weights = new Array<number>(rows * units);
        for (let i = 0; i < rows; i++) for (let j = 0; j < units; j++) weights[i * units + j] = Math.fround(alpha * b.tensor.floats[transB ? j * d1 + i : i * d1 + j]!);
        let bias: number[] | undefined;
        if (gemm && ins[2] !== undefined) {
          const c = this.value(ins[2], label);
          bias = biasFrom(c, units, label).map((v) => Math.fround(beta * v));
        }
        const id = this.addNode(bias
          ? { id: '', type: 'dense', name, position: { x: 0, y: 0 }, units, activation: 'linear', useBias: true, bias }
          : { id: '', type: 'dense', name, position: { x: 0, y: 0 }, units, activation: 'linear', useBias: false });
        this.connect(a.id, id, { weights });
        set({ kind: 'node', nodeId: id, size: units });
        return;
      }
      case 'Add':
      case 'Sum': {
        const values = ins.map((i) => this.value(i, label));
        const constants = values.filter((v) => v.kind === 'const');
        if (constants.length > 0) {
          if (n.opType !== 'Add' || values.length !== 2 || constants.length !== 1) throw new ImportError(`${label}: ${n.opType} of constants is supported only as a bias right after Gemm or MatMul`);
          const other = values.find((v) => v.kind !== 'const')!;
          const dense = other.kind === 'node' ? this.nodes.find((x) => x.id === other.nodeId) : undefined;
          const onlyReader = other.kind === 'node' && this.readersOf(ins[values.indexOf(other)]!) === 1;
          if (!dense || dense.type !== 'dense' || dense.activation !== 'linear' || !onlyReader) {
            throw new ImportError(`${label}: Add of a constant is supported only as a bias right after Gemm or MatMul`);
          }
          const add = biasFrom(constants[0]!, dense.units, label);
          dense.bias = add.map((v, j) => Math.fround((dense.bias?.[j] ?? 0) + v));
          dense.useBias = true;
          set(other);
          return;
        }
        if (values.length === 1) {
          set(values[0]!);
          return;
        }
        const sources = values.map((v) => this.sourceOf(v, label));
        const size = sources[0]!.size;
        if (sources.some((s) => s.size !== size)) throw new ImportError(`${label}: ${n.opType} of values of different sizes (${sources.map((s) => s.size).join(', ')}) is not supported`);
        const id = this.addNode({ id: '', type: 'add', name, position: { x: 0, y: 0 } });
        for (const s of sources) this.connect(s.id, id);
        set({ kind: 'node', nodeId: id, size });
        return;
      }
      case 'Concat': {
        const axis = intAttr(attr('axis'), 1, label);
        if (axis !== 1 && axis !== -1) throw new ImportError(`${label}: Concat along axis ${axis} is not supported (only axis 1, the features)`);
        const sources = ins.map((i) => this.sourceOf(this.value(i, label), label));
        if (sources.length === 1) {
          set({ kind: 'node', nodeId: sources[0]!.id, size: sources[0]!.size });
          return;
        }
        const id = this.addNode({ id: '', type: 'concat', name, position: { x: 0, y: 0 } });
        sources.forEach((s, k) => this.connect(s.id, id, { order: k }));
        set({ kind: 'node', nodeId: id, size: sources.reduce((t, s) => t + s.size, 0) });
        return;
      }
      case 'Identity':
      case 'Dropout':
        set(this.value(ins[0] ?? '', label));
        return;
      default:
        break;
    }
    const activation = Object.prototype.hasOwnProperty.call(ACTIVATION_OF, n.opType) ? ACTIVATION_OF[n.opType] : undefined;
    if (activation === undefined) throw new ImportError(`${label}: ${n.opType || 'an operator without a name'} is not supported`);
    this.checkActivationAttributes(n, activation, label);
    const source = this.value(ins[0] ?? '', label);
    const from = this.sourceOf(source, label);
    const producer = this.nodes.find((x) => x.id === from.id);
    if (producer && (producer.type === 'dense' || producer.type === 'neuron') && producer.activation === 'linear' && this.readersOf(ins[0]!) === 1) {
      producer.activation = activation;
      producer.name = name;
      set({ kind: 'node', nodeId: producer.id, size: from.size });
      return;
    }
    const id = this.addNode({ id: '', type: 'activation', name, position: { x: 0, y: 0 }, activation });
    this.connect(from.id, id);
    set({ kind: 'node', nodeId: id, size: from.size });
  }

  private checkActivationAttributes(n: OnnxNode, activation: ActivationName, label: string): void {
    const attr = (a: string) => n.attributes.find((x) => x.name === a);
    if (activation === 'leakyRelu') {
      const alpha = floatAttr(attr('alpha'), 0.01, label);
      if (Math.abs(alpha - 0.01) > 1e-7) throw new ImportError(`${label}: LeakyRelu with alpha ${show(alpha)} is not supported (Netwright's leaky ReLU uses 0.01)`);
    }
    if (activation === 'elu') {
      const alpha = floatAttr(attr('alpha'), 1, label);
      if (Math.abs(alpha - 1) > 1e-7) throw new ImportError(`${label}: Elu with alpha ${show(alpha)} is not supported (Netwright's ELU uses 1)`);
    }
    if (activation === 'gelu') {
      const approximate = attr('approximate')?.s ?? 'none';
      if (approximate !== 'tanh') throw new ImportError(`${label}: Gelu with approximate="${approximate}" is not supported (Netwright's gelu is the tanh approximation)`);
    }
    if (activation === 'softmax') {
      const opset = this.model.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 13;
      const axis = intAttr(attr('axis'), opset >= 13 ? -1 : 1, label);
      if (axis !== -1 && axis !== 1) throw new ImportError(`${label}: Softmax along axis ${axis} is not supported (only the last axis)`);
    }
  }

  /** Columns by depth from the inputs, 220 px apart; nodes of a column 110 px apart, centred on y = 0. */
  private layout(): void {
    const depth = new Map<string, number>();
    const incoming = new Map<string, string[]>();
    for (const e of this.edges) incoming.set(e.target, [...(incoming.get(e.target) ?? []), e.source]);
    // Nodes were added in topological order (the ONNX graph's), so one pass suffices.
    for (const node of this.nodes) depth.set(node.id, Math.max(-1, ...(incoming.get(node.id) ?? []).map((s) => depth.get(s) ?? 0)) + 1);
    const columns = new Map<number, NetworkNode[]>();
    for (const node of this.nodes) {
      const d = depth.get(node.id)!;
      columns.set(d, [...(columns.get(d) ?? []), node]);
    }
    for (const [d, column] of columns) {
      column.forEach((node, row) => {
        node.position = { x: d * COLUMN_STEP, y: (row - (column.length - 1) / 2) * ROW_STEP };
      });
    }
  }
}

/** A float32 attribute as people wrote it (0.2, not 0.20000000298023224). */
const show = (v: number) => String(Number(v.toPrecision(7)));

function namesFrom(json: string | undefined, count: number): string[] | undefined {
  if (json === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(json);
    if (Array.isArray(parsed) && parsed.length === count && parsed.every((s) => typeof s === 'string')) return parsed as string[];
  } catch {
    // metadata that is not ours: fall back to generated names
  }
  return undefined;
}

function intAttr(a: OnnxAttribute | undefined, fallback: number, label: string): number {
  if (a === undefined) return fallback;
  if (a.type !== AttributeType.INT || a.i === undefined) throw new ImportError(`${label}: attribute ${a.name} should be an integer`);
  return a.i;
}

function floatAttr(a: OnnxAttribute | undefined, fallback: number, label: string): number {
  if (a === undefined) return fallback;
  if (a.type !== AttributeType.FLOAT || a.f === undefined) throw new ImportError(`${label}: attribute ${a.name} should be a float`);
  return a.f;
}

function biasFrom(v: Value, units: number, label: string): number[] {
  if (v.kind !== 'const' || !v.tensor.floats) throw new ImportError(`${label}: its bias must be a constant float32 tensor`);
  const { dims, floats } = v.tensor;
  const count = floats.length;
  const shapeOk = (dims.length === 1 && dims[0] === units) || (dims.length === 2 && dims[0] === 1 && dims[1] === units);
  if (shapeOk) return Array.from(floats);
  if (count === 1) return new Array<number>(units).fill(floats[0]!);
  throw new ImportError(`${label}: its bias has the shape [${dims.join(', ')}], expected [${units}]`);
}
