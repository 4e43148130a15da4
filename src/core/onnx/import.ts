/**
 * Import an ONNX model as a network document, for the models Netwright can represent: one float input [N, k], one
 * output, Identity, and the operators the kinds read (each kind's `onnx.import` in src/core/kinds/<kind>.ts): Gather
 * (columns of the input), Gemm, MatMul (+ Add of a constant bias), Relu, LeakyRelu (alpha 0.01), Elu (alpha 1),
 * Sigmoid, Tanh, Gelu (approximate "tanh"), Sin, Softmax (last axis), Dropout, Add / Sum (of values), Concat (axis 1),
 * LayerNormalization (last axis). Anything else is refused naming the node: "node 'Conv_3': Conv is not supported".
 *
 * The document has one Input per Gather (or one for the whole input vector), a Dense layer per Gemm/MatMul with the
 * activation after it folded in when nothing else reads the pre-activation, Activation, Add and Concat nodes, and an
 * Output whose loss comes from the model's metadata (a Netwright export) or is guessed from the last activation
 * (sigmoid → binary cross-entropy, softmax → softmax cross-entropy, else mean squared error). Laid out left to right.
 */
import {
  DEFAULT_TRAINING, DOCUMENT_FORMAT, DOCUMENT_VERSION, LOSS_NAMES,
  type LossName, type NetworkDocument, type NetworkEdge, type NetworkNode,
} from '../document';
import { KIND_LIST } from '../kinds';
import type { ImportValue, OnnxImportContext, OnnxImporter } from '../kinds/kind';
import { COLUMN_STEP, ROW_STEP } from '../templates';
import { validateDocument } from '../validate';
import { META_FEATURES, META_LOSS, META_TARGETS } from './export';
import { AttributeType, TensorType, decodeModel, type OnnxAttribute, type OnnxModel, type OnnxNode } from './onnx';
import { ProtobufError } from './protobuf';

export type OnnxImportResult = { ok: true; doc: NetworkDocument; warnings: string[] } | { ok: false; message: string };

export interface OnnxImportOptions {
  /** The document's name. Default: the model graph's name. */
  name?: string;
}

class ImportError extends Error {}

/** The importer of each ONNX operator, from the kinds' tables (a kind that reads an operator twice is a bug). */
const IMPORTERS: ReadonlyMap<string, OnnxImporter> = (() => {
  const map = new Map<string, OnnxImporter>();
  for (const kind of KIND_LIST) {
    for (const op of kind.onnx.import?.ops ?? []) {
      if (map.has(op)) throw new Error(`two kinds import the ONNX operator ${op}`);
      map.set(op, kind.onnx.import!);
    }
  }
  return map;
})();

/** Operators that pass their (single) input through unchanged. */
const isAlias = (n: OnnxNode) => {
  const ins = n.inputs.filter((i) => i !== '');
  return n.opType === 'Identity' || n.opType === 'Dropout' || ((n.opType === 'Concat' || n.opType === 'Sum') && ins.length === 1);
};

type Value = ImportValue;

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
    const ins = n.inputs.filter((i) => i !== '');
    if (n.opType === 'Identity') {
      this.values.set(out, this.value(ins[0] ?? '', label));
      return;
    }
    const importer = IMPORTERS.get(n.opType);
    if (importer === undefined) throw new ImportError(`${label}: ${n.opType || 'an operator without a name'} is not supported`);
    const attr = (a: string) => n.attributes.find((x) => x.name === a);
    const ctx: OnnxImportContext = {
      onnx: n,
      label,
      name: n.name || out,
      ins,
      opset: this.model.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 13,
      value: (tensor) => this.value(tensor, label),
      sourceOf: (value) => this.sourceOf(value, label),
      addNode: (node) => this.addNode(node),
      node: (id) => this.nodes.find((x) => x.id === id),
      connect: (source, target, extra) => this.connect(source, target, extra),
      set: (value) => this.values.set(out, value),
      readers: (tensor) => this.readersOf(tensor),
      featureNames: this.featureNames,
      attr,
      intAttr: (a, fallback) => intAttr(attr(a), fallback, label),
      floatAttr: (a, fallback) => floatAttr(attr(a), fallback, label),
      fail: (message) => new ImportError(`${label}: ${message}`),
    };
    importer.run(ctx);
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
