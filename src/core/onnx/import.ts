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
import { ACTIVATIONS } from '../activations';
import { ACTIVATION_NAMES, type ActivationName } from '../document';
import { KIND_LIST } from '../kinds';
import { ONNX_ACTIVATION_OF } from '../kinds/common';
import type { ImportValue, OnnxAttributeKind, OnnxImportContext, OnnxImporter, OnnxOpSchema } from '../kinds/kind';
import { MAX_EDGES, MAX_FILE_PARAMETERS, MAX_NODES, sizeLimitProblem } from '../limits';
import { MAX_VALUES_PER_EXAMPLE } from '../network/compile';
import { COLUMN_STEP, ROW_STEP } from '../templates';
import { validateDocument } from '../validate';
import { META_FEATURES, META_LOSS, META_TARGETS } from './export';
import { AttributeType, ModelTooLargeError, TensorType, decodeModel, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor } from './onnx';
import { ProtobufError } from './protobuf';

export type OnnxImportResult =
  /** `featureNames`: the model input's columns in order (from its metadata, or x1…xk), to feed the network the same rows. */
  | { ok: true; doc: NetworkDocument; warnings: string[]; featureNames: string[] }
  | { ok: false; message: string };

export interface OnnxImportOptions {
  /** The document's name. Default: the model graph's name. */
  name?: string;
}

class ImportError extends Error {}

/** The opsets of the standard domain Netwright reads: the operators' semantics it relies on hold from 13 to 23. */
export const MIN_OPSET = 13;
export const MAX_OPSET = 23;
/** The IR versions it reads (3: opset imports; 11: opset 23's). */
export const MIN_IR_VERSION = 3;
export const MAX_IR_VERSION = 11;

const schema = (inputs: readonly [number, number], attributes: OnnxOpSchema['attributes'] = {}, since = 1): OnnxOpSchema => ({ since, inputs, outputs: [1, 1], attributes });

/**
 * Operators the importer reads itself: Identity and Flatten pass their input through; Constant is a constant; the
 * element-wise arithmetic (Mul, Div, Sub, Pow, and Add or an activation of such a value) builds an expression of one
 * value that must come out as one of Netwright's activations (a composed gelu, as torch.onnx.export and Netwright's
 * own opset-17 export write it). Erf is read only to say that the exact GELU is not Netwright's.
 */
const OWN_OPS: Readonly<Record<string, OnnxOpSchema>> = {
  Identity: schema([1, 1]),
  Flatten: schema([1, 1], { axis: 'int' }),
  Constant: schema([0, 0], { value: 'tensor', value_float: 'float', value_floats: 'floats', value_int: 'int', value_ints: 'ints' }, 9),
  Mul: schema([2, 2]),
  Div: schema([2, 2]),
  Sub: schema([2, 2]),
  Pow: schema([2, 2]),
  Erf: schema([1, 1], {}, 9),
};

const BINARY: Readonly<Record<string, (a: number, b: number) => number>> = {
  Add: (a, b) => a + b, Mul: (a, b) => a * b, Div: (a, b) => a / b, Sub: (a, b) => a - b, Pow: (a, b) => a ** b,
};

/** An element-wise function of one value (`root`), built by arithmetic nodes; made into an Activation when read. */
interface Expression {
  root: Value;
  rootTensor: string;
  f: (x: number) => number;
  /** How many operators it took (bounded, so evaluating it never recurses deeply). */
  count: number;
  name: string;
}

const MAX_EXPRESSION_OPS = 64;
/** Where an expression is compared with the activations. */
const SAMPLES = [...Array.from({ length: 65 }, (_, k) => -8 + k * 0.25), -1e-3, 1e-3, 0.1, -0.1, 20, -20];
const ELEMENTWISE = ACTIVATION_NAMES.filter((a) => a !== 'softmax');

function matchActivation(f: (x: number) => number): ActivationName | undefined {
  return ELEMENTWISE.find((name) => SAMPLES.every((x) => {
    const want = ACTIVATIONS[name].f(x);
    const got = f(x);
    return Number.isFinite(got) && Math.abs(got - want) <= 1e-5 * Math.max(1, Math.abs(want));
  }));
}

/** The importer of each ONNX operator, from the kinds' tables (a kind that reads an operator twice is a bug). */
const IMPORTERS: ReadonlyMap<string, { importer: OnnxImporter | null; schema: OnnxOpSchema }> = (() => {
  const map = new Map<string, { importer: OnnxImporter | null; schema: OnnxOpSchema }>();
  for (const [op, schema] of Object.entries(OWN_OPS)) map.set(op, { importer: null, schema });
  for (const kind of KIND_LIST) {
    for (const [op, schema] of Object.entries(kind.onnx.import?.ops ?? {})) {
      if (map.has(op)) throw new Error(`two kinds import the ONNX operator ${op}`);
      map.set(op, { importer: kind.onnx.import!, schema });
    }
  }
  return map;
})();

const ATTRIBUTE_KIND: Readonly<Record<number, OnnxAttributeKind>> = {
  [AttributeType.FLOAT]: 'float', [AttributeType.INT]: 'int', [AttributeType.STRING]: 'string', [AttributeType.FLOATS]: 'floats', [AttributeType.INTS]: 'ints',
  [AttributeType.TENSOR]: 'tensor',
};

/** Operators that pass their (single) input through unchanged. */
const isAlias = (n: OnnxNode) => {
  const ins = n.inputs.filter((i) => i !== '');
  return n.opType === 'Identity' || n.opType === 'Flatten' || n.opType === 'Dropout' || ((n.opType === 'Concat' || n.opType === 'Sum') && ins.length === 1);
};

const labelOf = (n: OnnxNode) => `node '${n.name || n.outputs[0] || n.opType}'`;
const figure = (n: number) => n.toLocaleString('en-US');

type Value = ImportValue;

/** Read ONNX bytes into a document, or say what stops it. Never throws. */
export function importOnnx(bytes: Uint8Array, options: OnnxImportOptions = {}): OnnxImportResult {
  let model: OnnxModel;
  try {
    model = decodeModel(bytes);
  } catch (error) {
    if (error instanceof ModelTooLargeError) return { ok: false, message: `Cannot import: ${error.message}` };
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `This is not an ONNX model Netwright can read (${detail}).` };
  }
  try {
    return new Importer(model, options).run();
  } catch (error) {
    if (error instanceof ImportError || error instanceof ProtobufError) return { ok: false, message: `Cannot import: ${error.message}` };
    // a bug of the importer, not a property of the file: said as such (the fuzz tests count these as crashes)
    return { ok: false, message: `Cannot import (internal error): ${error instanceof Error ? error.message : String(error)}` };
  }
}

class Importer {
  private readonly nodes: NetworkNode[] = [];
  private readonly nodeById = new Map<string, NetworkNode>();
  private readonly edges: NetworkEdge[] = [];
  /** source + target of every edge, so a second connection between two nodes is seen at once. */
  private readonly edgeKeys = new Set<string>();
  private readonly values = new Map<string, Value>();
  /** Values computed by element-wise arithmetic, not yet read by anything else. */
  private readonly expressions = new Map<string, Expression>();
  /** How many ONNX nodes (and graph outputs) read each tensor. */
  private readonly readers = new Map<string, number>();
  /** Output of an alias operator → the tensor it passes through. */
  private readonly aliases = new Map<string, string>();
  /** Outputs that a node writes but Netwright does not compute (Dropout's mask), with the node that writes them. */
  private readonly uncomputed = new Map<string, string>();
  private readonly warnings: string[] = [];
  private featureNames: readonly string[] = [];
  private wholeInput: string | undefined;
  private nextId = 1;
  private inputName = '';
  private opset = 0;

  constructor(
    private readonly model: OnnxModel,
    private readonly options: OnnxImportOptions,
  ) {}

  run(): OnnxImportResult {
    const { graph } = this.model;
    this.opset = this.checkOpsets();
    const order = this.checkGraph();
    for (const t of graph.initializers) this.values.set(t.name, { kind: 'const', tensor: t });

    const initializerNames = new Set(graph.initializers.map((t) => t.name));
    const inputs = graph.inputs.filter((i) => !initializerNames.has(i.name));
    if (inputs.length !== 1) throw new ImportError(`the model has ${inputs.length} inputs${inputs.length > 1 ? ` (${inputs.slice(0, 4).map((i) => `'${i.name}'`).join(', ')}${inputs.length > 4 ? ', …' : ''})` : ''}; Netwright reads models with exactly one input [N, features]`);
    const input = inputs[0]!;
    if (input.elemType !== TensorType.FLOAT) throw new ImportError(`input '${input.name}': only float32 inputs are supported`);
    const width = input.dims[1];
    if (input.dims.length !== 2 || typeof width !== 'number' || width < 1) {
      throw new ImportError(`input '${input.name}': expected the shape [N, features] with a fixed number of features, got [${input.dims.map((d) => d ?? '?').join(', ')}]`);
    }
    // A declared size is only a number in the file: check it before anything is made from it.
    if (width > MAX_VALUES_PER_EXAMPLE) throw new ImportError(`input '${input.name}' declares ${figure(width)} features; Netwright reads at most ${figure(MAX_VALUES_PER_EXAMPLE)} values per example`);
    const batch = input.dims[0];
    if (typeof batch === 'number' && batch < 1) throw new ImportError(`input '${input.name}': a batch of ${batch} rows`);
    this.inputName = input.name;
    this.values.set(input.name, { kind: 'input', size: width });
    this.featureNames = this.names(META_FEATURES, width, 'feature') ?? generatedNames(width, 'x');

    if (graph.outputs.length !== 1) throw new ImportError(`the model has ${graph.outputs.length} outputs; Netwright networks have exactly one`);
    // Readers are counted on the tensor an alias (Identity, Dropout) passes through, so folding a bias or an
    // activation into a Dense never changes what another reader of the same value sees.
    const root = (name: string) => this.aliases.get(name) ?? name;
    const read = (name: string) => this.readers.set(root(name), (this.readers.get(root(name)) ?? 0) + 1);
    for (const n of order) {
      if (isAlias(n) && n.outputs[0]) this.aliases.set(n.outputs[0], root(n.inputs.find((i) => i !== '') ?? ''));
      else for (const i of n.inputs) if (i !== '') read(i);
    }
    for (const o of graph.outputs) read(o.name);
    this.checkParameterCount();

    for (const n of order) this.importNode(n);

    const outName = graph.outputs[0]!.name;
    const produced = this.expressions.has(outName) ? this.value(outName, `output '${outName}'`) : this.values.get(outName);
    if (!produced) throw new ImportError(this.uncomputed.has(outName) ? `output '${outName}' is an output of ${this.uncomputed.get(outName)!} that Netwright does not compute` : `output '${outName}' is not computed by any node`);
    if (produced.kind !== 'node') throw new ImportError(`output '${outName}' is ${produced.kind === 'input' ? 'the input itself' : 'a constant'}; there is no network to import`);
    const declared = graph.outputs[0]!.dims;
    if ((declared.length > 0 || graph.outputs[0]!.shapeKnown === true) && (declared.length !== 2 || (typeof declared[1] === 'number' && declared[1] !== produced.size))) {
      throw new ImportError(`output '${outName}' is declared [${declared.map((d) => d ?? '?').join(', ')}] but computes ${produced.size} value${produced.size === 1 ? '' : 's'} per example`);
    }
    const producer = this.nodeById.get(produced.nodeId)!;
    const lastActivation = 'activation' in producer ? producer.activation : undefined;
    const metaLoss = this.model.metadata[META_LOSS];
    const loss: LossName = (LOSS_NAMES as readonly string[]).includes(metaLoss ?? '')
      ? (metaLoss as LossName)
      : lastActivation === 'sigmoid' ? 'binaryCrossEntropy' : lastActivation === 'softmax' ? 'softmaxCrossEntropy' : 'mse';
    const targets = this.names(META_TARGETS, produced.size, 'target') ?? (produced.size === 1 ? ['y'] : generatedNames(produced.size, 'y'));
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
    return { ok: true, doc, warnings: this.warnings, featureNames: [...this.featureNames] };
  }

  /** The standard domain's opset, refused outside what Netwright reads (as ONNX Runtime refuses what it does not know). */
  private checkOpsets(): number {
    const seen = new Set<string>();
    let version: number | undefined;
    for (const o of this.model.opsets) {
      const domain = o.domain === 'ai.onnx' ? '' : o.domain;
      if (seen.has(domain)) throw new ImportError(`the model imports the operator set '${o.domain || 'ai.onnx'}' twice`);
      seen.add(domain);
      if (domain === '') version = o.version;
    }
    if (version === undefined) throw new ImportError('the model does not import the standard ONNX operator set');
    const ir = this.model.irVersion;
    if (ir < MIN_IR_VERSION || ir > MAX_IR_VERSION) throw new ImportError(`IR version ${ir} is not supported (Netwright reads IR versions ${MIN_IR_VERSION} to ${MAX_IR_VERSION})`);
    if (version < MIN_OPSET || version > MAX_OPSET) throw new ImportError(`opset ${version} is not supported (Netwright reads opsets ${MIN_OPSET} to ${MAX_OPSET})`);
    return version;
  }

  /**
   * What ONNX Runtime checks before it runs a graph, in time linear in its size: every node's operator, domain,
   * inputs, outputs and attributes against the operator's schema; each value written once (SSA: by one node, an
   * initializer or a graph input); every value read is written somewhere; no cycles. Returns the nodes in an order
   * where every value is written before it is read (the file's order when it already is one).
   */
  private checkGraph(): OnnxNode[] {
    const { graph } = this.model;
    const writer = new Map<string, string>();
    const define = (name: string, what: string) => {
      const before = writer.get(name);
      if (before !== undefined) throw new ImportError(`${what} writes the value '${name}', which ${before} already writes; a value has exactly one producer`);
      writer.set(name, what);
    };
    const initializers = new Set<string>();
    for (const t of graph.initializers) {
      define(t.name, `initializer '${t.name}'`);
      initializers.add(t.name);
    }
    for (const i of graph.inputs) {
      if (initializers.has(i.name)) continue; // an input with a default value (an initializer of the same name)
      define(i.name, `graph input '${i.name}'`);
    }
    const producerIndex = new Map<string, number>();
    graph.nodes.forEach((n, k) => {
      const label = labelOf(n);
      if (n.domain !== '' && n.domain !== 'ai.onnx') throw new ImportError(`${label}: ${n.domain}.${n.opType} is not supported`);
      const entry = IMPORTERS.get(n.opType);
      if (entry === undefined) throw new ImportError(`${label}: ${n.opType || 'an operator without a name'} is not supported`);
      const { schema } = entry;
      if (this.opset < schema.since) throw new ImportError(`${label}: ${n.opType} is not in opset ${this.opset} (it exists from opset ${schema.since})`);
      // counted as ONNX Runtime counts them: an empty name (an optional input left out) still takes a place
      const ins = n.inputs.length;
      const outs = n.outputs.length;
      if (ins < schema.inputs[0] || ins > schema.inputs[1]) throw new ImportError(`${label}: ${n.opType} takes ${rangeText(schema.inputs)} input${schema.inputs[1] === 1 ? '' : 's'}, it has ${ins}`);
      if (outs < schema.outputs[0] || outs > schema.outputs[1]) throw new ImportError(`${label}: ${n.opType} has ${rangeText(schema.outputs)} output${schema.outputs[1] === 1 ? '' : 's'}, it names ${outs}`);
      if (n.outputs[0] === undefined || n.outputs[0] === '') throw new ImportError(`${label}: it has no output`);
      // an empty name leaves out an optional input; the required ones (and every one of a list like Concat's) need one
      const variadic = schema.inputs[1] >= 2_147_483_647;
      n.inputs.forEach((name, k) => {
        if (name === '' && (variadic || k < schema.inputs[0])) throw new ImportError(`${label}: its input ${k + 1} has no name (${n.opType} needs it)`);
      });
      const names = new Set<string>();
      for (const a of n.attributes) {
        if (names.has(a.name)) throw new ImportError(`${label}: the attribute ${a.name} appears twice`);
        names.add(a.name);
        const expected = schema.attributes[a.name];
        if (expected === undefined) throw new ImportError(`${label}: ${n.opType} has no attribute '${a.name}'`);
        if (ATTRIBUTE_KIND[a.type] !== expected) throw new ImportError(`${label}: the attribute ${a.name} should be ${expected === 'int' ? 'an int' : `a ${expected}`}`);
      }
      for (const r of schema.required ?? []) if (!names.has(r)) throw new ImportError(`${label}: ${n.opType} needs the attribute ${r}`);
      for (const o of n.outputs) {
        if (o === '') continue;
        define(o, label);
        producerIndex.set(o, k);
      }
    });
    for (const n of graph.nodes) {
      for (const i of n.inputs) {
        if (i !== '' && !writer.has(i)) throw new ImportError(`${labelOf(n)}: its input '${i}' is not computed by any node, nor an input or initializer of the model`);
      }
    }
    for (const o of graph.outputs) if (!writer.has(o.name)) throw new ImportError(`output '${o.name}' is not computed by any node`);

    // In order already (the usual case)?
    let sorted = true;
    const done = new Set<string>(writer.keys());
    for (const k of producerIndex.keys()) done.delete(k);
    for (const n of graph.nodes) {
      if (n.inputs.some((i) => i !== '' && !done.has(i))) {
        sorted = false;
        break;
      }
      for (const o of n.outputs) if (o !== '') done.add(o);
    }
    if (sorted) return graph.nodes;
    // Kahn's algorithm, as ONNX Runtime sorts a graph; what is left over lies on a cycle.
    const waiting = graph.nodes.map((n) => new Set(n.inputs.filter((i) => producerIndex.has(i))).size);
    const readersOf = new Map<string, number[]>();
    graph.nodes.forEach((n, k) => {
      for (const i of new Set(n.inputs)) {
        if (!producerIndex.has(i)) continue;
        const list = readersOf.get(i);
        if (list) list.push(k);
        else readersOf.set(i, [k]);
      }
    });
    const queue: number[] = [];
    waiting.forEach((w, k) => {
      if (w === 0) queue.push(k);
    });
    const order: OnnxNode[] = [];
    for (let head = 0; head < queue.length; head++) {
      const n = graph.nodes[queue[head]!]!;
      order.push(n);
      for (const o of n.outputs) {
        for (const r of readersOf.get(o) ?? []) if (--waiting[r]! === 0) queue.push(r);
      }
    }
    if (order.length < graph.nodes.length) {
      const stuck = graph.nodes.filter((_, k) => waiting[k]! > 0);
      throw new ImportError(`the graph has a cycle: ${stuck.slice(0, 4).map(labelOf).join(', ')}${stuck.length > 4 ? ` and ${stuck.length - 4} more` : ''} depend on their own output`);
    }
    return order;
  }

  /** The float weights the nodes read, against what a file can hold: said before any weight is copied. */
  private checkParameterCount(): void {
    let total = 0;
    for (const t of this.model.graph.initializers) {
      if (t.floats && this.readers.has(t.name)) total += t.floats.length;
    }
    for (const n of this.model.graph.nodes) {
      if (n.opType === 'Constant') for (const a of n.attributes) total += a.t?.floats?.length ?? a.floats?.length ?? 0;
    }
    if (total > MAX_FILE_PARAMETERS) {
      throw new ImportError(`the model has ${figure(total)} weights; a Netwright file holds at most ${figure(MAX_FILE_PARAMETERS)} (files are at most 256 MB), so it could not be saved`);
    }
  }

  /** Names listed in the metadata (a Netwright export), or undefined; the same name twice is refused. */
  private names(key: string, count: number, what: string): string[] | undefined {
    const names = namesFrom(this.model.metadata[key], count);
    if (names === undefined) return undefined;
    const first = new Map<string, number>();
    names.forEach((name, k) => {
      const before = first.get(name);
      if (before !== undefined) throw new ImportError(`the metadata ${key} names the ${what} '${name}' twice (columns ${before + 1} and ${k + 1}); each ${what} must have its own name`);
      first.set(name, k);
    });
    return names;
  }

  private readersOf(tensor: string): number {
    return this.readers.get(this.aliases.get(tensor) ?? tensor) ?? 0;
  }

  private newId(prefix: string): string {
    return `${prefix}${this.nextId++}`;
  }

  private addNode(node: NetworkNode): string {
    if (this.nodes.length >= MAX_NODES) throw new ImportError(sizeLimitProblem(MAX_NODES + 1, 0, false)!.message);
    node.id = this.newId('n');
    this.nodes.push(node);
    this.nodeById.set(node.id, node);
    return node.id;
  }

  /**
   * An edge from source to target. A second one between the same two nodes (a value that reaches a node both
   * directly and through an Identity or Dropout, which import as the value itself) goes through a linear Activation,
   * which computes the same and keeps the document valid.
   */
  private connect(source: string, target: string, extra: Partial<NetworkEdge> = {}): NetworkEdge {
    if (this.edges.length >= MAX_EDGES) throw new ImportError(sizeLimitProblem(0, MAX_EDGES + 1, false)!.message);
    const key = `${source}\u0000${target}`;
    if (this.edgeKeys.has(key)) {
      const from = this.nodeById.get(source);
      const copy = this.addNode({ id: '', type: 'activation', name: `${from?.name ?? source} (copy)`, position: { x: 0, y: 0 }, activation: 'linear' });
      this.connect(source, copy);
      return this.connect(copy, target, extra);
    }
    this.edgeKeys.add(key);
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
    if (v) return v;
    const e = this.expressions.get(name);
    if (e) return this.materialize(name, e, label);
    const writer = this.uncomputed.get(name);
    if (writer !== undefined) throw new ImportError(`${label}: it reads '${name}', an output of ${writer} that Netwright does not compute`);
    throw new ImportError(`${label}: its input '${name}' is not computed before it (unknown tensor, or the graph is not in order)`);
  }

  /** An expression read by a node that is not arithmetic: it becomes an Activation node, or is refused. */
  private materialize(name: string, e: Expression, label: string): Value {
    const act = matchActivation(e.f);
    if (act === undefined) throw new ImportError(`${label}: it reads '${name}', an element-wise function of '${e.rootTensor}' that is not one of Netwright's activations`);
    const from = this.sourceOf(e.root, label);
    const id = this.addNode({ id: '', type: 'activation', name: e.name, position: { x: 0, y: 0 }, activation: act });
    this.connect(from.id, id);
    const value: Value = { kind: 'node', nodeId: id, size: from.size };
    this.values.set(name, value);
    return value;
  }

  /** A tensor as an operand of element-wise arithmetic: a scalar constant, or a function of one value. */
  private operand(name: string, label: string): { scalar: number } | Expression {
    const e = this.expressions.get(name);
    if (e && !this.values.has(name)) return e;
    const v = this.value(name, label);
    if (v.kind === 'const') {
      const data = v.tensor.floats;
      if (!data || data.length !== 1) throw new ImportError(`${label}: element-wise arithmetic with the tensor '${name}' is supported only with a single float32 value`);
      return { scalar: data[0]! };
    }
    return { root: v, rootTensor: name, f: (x) => x, count: 0, name };
  }

  private importArithmetic(n: OnnxNode, label: string, out: string, ins: string[]): void {
    const [a, b] = [this.operand(ins[0]!, label), this.operand(ins[1]!, label)];
    const op = BINARY[n.opType]!;
    if ('scalar' in a && 'scalar' in b) {
      this.values.set(out, { kind: 'const', tensor: { name: out, dims: [], dataType: TensorType.FLOAT, floats: Float32Array.of(op(a.scalar, b.scalar)) } });
      return;
    }
    const base = 'scalar' in a ? (b as Expression) : a;
    for (const x of [a, b]) {
      if (!('scalar' in x) && !sameValue(x.root, base.root)) throw new ImportError(`${label}: ${n.opType} of two different values ('${base.rootTensor}' and '${x.rootTensor}') is not supported`);
    }
    const count = ('scalar' in a ? 0 : a.count) + ('scalar' in b ? 0 : b.count) + 1;
    if (count > MAX_EXPRESSION_OPS) throw new ImportError(`${label}: an element-wise expression of more than ${MAX_EXPRESSION_OPS} operators is not supported`);
    const fa = 'scalar' in a ? () => a.scalar : a.f;
    const fb = 'scalar' in b ? () => b.scalar : b.f;
    this.expressions.set(out, { root: base.root, rootTensor: base.rootTensor, f: (x) => op(fa(x), fb(x)), count, name: n.name || out });
  }

  private importNode(n: OnnxNode): void {
    const label = labelOf(n);
    const out = n.outputs[0]!;
    for (const o of n.outputs.slice(1)) if (o !== '') this.uncomputed.set(o, `${label} (${n.opType})`);
    const ins = n.inputs.filter((i) => i !== '');
    const attr = (a: string) => n.attributes.find((x) => x.name === a);
    if (n.opType === 'Identity' || n.opType === 'Flatten') {
      if (n.opType === 'Flatten') {
        const axis = intAttr(attr('axis'), 1, label);
        if (axis !== 1 && axis !== -1) throw new ImportError(`${label}: Flatten with axis ${axis} is not supported (only axis 1, which keeps each example a row)`);
      }
      const e = this.expressions.get(ins[0] ?? '');
      if (e && !this.values.has(ins[0]!)) this.expressions.set(out, e);
      else this.values.set(out, this.value(ins[0] ?? '', label));
      return;
    }
    if (n.opType === 'Constant') {
      if (n.attributes.length !== 1) throw new ImportError(`${label}: a Constant needs exactly one value attribute`);
      const a = n.attributes[0]!;
      const floats = a.t ? a.t.floats : a.f !== undefined ? Float32Array.of(a.f) : a.floats ? Float32Array.from(a.floats) : undefined;
      const tensor: OnnxTensor = a.t ? { ...a.t, name: out } : floats ? { name: out, dims: a.name === 'value_floats' ? [floats.length] : [], dataType: TensorType.FLOAT, floats } : { name: out, dims: a.name === 'value_ints' ? [a.ints?.length ?? 0] : [], dataType: TensorType.INT64, ints: a.ints ?? [a.i ?? 0] };
      this.values.set(out, { kind: 'const', tensor });
      return;
    }
    if (n.opType === 'Erf') throw new ImportError(`${label}: Erf is not supported (an exact GELU? Netwright's gelu is the tanh approximation: in PyTorch, nn.GELU(approximate='tanh'))`);
    const readsExpression = ins.some((i) => this.expressions.has(i) && !this.values.has(i));
    if (n.opType in BINARY && (n.opType !== 'Add' || readsExpression)) {
      this.importArithmetic(n, label, out, ins);
      return;
    }
    const elementwise = ONNX_ACTIVATION_OF[n.opType];
    if (readsExpression && elementwise !== undefined && elementwise !== 'softmax') {
      if (n.attributes.length > 0) throw new ImportError(`${label}: ${n.opType} with attributes of an element-wise expression is not supported`);
      const e = this.expressions.get(ins[0]!)!;
      const g = ACTIVATIONS[elementwise].f;
      if (e.count + 1 > MAX_EXPRESSION_OPS) throw new ImportError(`${label}: an element-wise expression of more than ${MAX_EXPRESSION_OPS} operators is not supported`);
      this.expressions.set(out, { ...e, f: (x) => g(e.f(x)), count: e.count + 1, name: n.name || out });
      return;
    }
    const importer = IMPORTERS.get(n.opType)!.importer!;
    const ctx: OnnxImportContext = {
      onnx: n,
      label,
      name: n.name || out,
      ins,
      opset: this.opset,
      value: (tensor) => this.value(tensor, label),
      sourceOf: (value) => this.sourceOf(value, label),
      addNode: (node) => this.addNode(node),
      node: (id) => this.nodeById.get(id),
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
    for (const e of this.edges) {
      const list = incoming.get(e.target);
      if (list) list.push(e.source);
      else incoming.set(e.target, [e.source]);
    }
    // Nodes were added in topological order (the ONNX graph's), so one pass suffices.
    for (const node of this.nodes) {
      let d = 0;
      for (const s of incoming.get(node.id) ?? []) d = Math.max(d, (depth.get(s) ?? 0) + 1);
      depth.set(node.id, d);
    }
    const columns = new Map<number, NetworkNode[]>();
    for (const node of this.nodes) {
      const d = depth.get(node.id)!;
      const column = columns.get(d);
      if (column) column.push(node);
      else columns.set(d, [node]);
    }
    for (const [d, column] of columns) {
      column.forEach((node, row) => {
        node.position = { x: d * COLUMN_STEP, y: (row - (column.length - 1) / 2) * ROW_STEP };
      });
    }
  }
}

const sameValue = (a: Value, b: Value) => (a.kind === 'node' && b.kind === 'node' ? a.nodeId === b.nodeId : a.kind === 'input' && b.kind === 'input');

const rangeText = ([min, max]: readonly [number, number]) => (min === max ? String(min) : max >= 2_147_483_647 ? `at least ${min}` : `${min} to ${max}`);

/** x1, x2, … (or y1, …): made once, for a size already checked against the limits. */
function generatedNames(count: number, prefix: string): string[] {
  const names = new Array<string>(count);
  for (let i = 0; i < count; i++) names[i] = `${prefix}${i + 1}`;
  return names;
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
