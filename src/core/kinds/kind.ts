/**
 * What a node kind is: everything the core knows about one kind of node, in one module per kind
 * (src/core/kinds/<kind>.ts), listed once in the table src/core/kinds/index.ts. Nothing outside the kind modules
 * switches on a node's type: the document types, the file schema, shape inference, validation, the parameter layout,
 * forward/backward, explain mode, ONNX export and import and the write-back of trained parameters all read the table.
 *
 * Shapes: every node's output has a shape (`number[]`, one example's worth: `[n]` for a vector; `[h, w, c]` later).
 * Values travel through the network as flat row-major float32 rows (batch × product of the shape).
 *
 * Parameter slots: a kind names its learnable parameters. A slot lives on the node (a bias, LayerNorm's gamma) or on
 * each incoming edge (a weight block), has a shape worked out from the shapes around it, an initialiser, and says
 * whether L1/L2 regularisation applies. The parameter layout (src/core/network/compile.ts) is built from the slots:
 * nodes in topological order, for each node its edge slots (incoming edges in analysis order), then its node slots in
 * the order the kind lists them.
 */
import type { z } from 'zod';
import type { Activation } from '../activations';
import type { ActivationName, LossName, NetworkDocument, NetworkEdge, NetworkNode, Position } from '../document';
import type { AttributeType, OnnxAttribute, OnnxNode, OnnxTensor } from '../onnx/onnx';
import type { Rng } from '../random';

export type Shape = readonly number[];

/** The number of values of a shape (1 for the scalar shape []). */
export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapeText(shape: Shape | undefined): string {
  return shape === undefined ? '?' : shape.length === 1 ? String(shape[0]) : `[${shape.join('×')}]`;
}

/** How a node is called in messages: its name, or its id when it has none. */
export function nodeLabel(node: { name?: unknown; id?: unknown } | undefined): string {
  if (node === undefined) return '?';
  const name = typeof node.name === 'string' && node.name.trim() !== '' ? node.name : String(node.id);
  return `"${name}"`;
}

export const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

export function describeNumber(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === undefined) return 'no';
  return JSON.stringify(value) ?? String(value);
}

// ---------------------------------------------------------------------------------------------------------------
// Problems

export type ProblemCode =
  // structure (found by analyzeGraph)
  | 'duplicate-node-id'
  | 'duplicate-edge-id'
  | 'unknown-node-type'
  | 'edge-unknown-node'
  | 'self-loop'
  | 'duplicate-edge'
  | 'cycle'
  | 'no-input'
  | 'input-has-incoming'
  | 'output-has-outgoing'
  | 'too-many-inputs'
  | 'input-no-features'
  | 'invalid-units'
  | 'add-size-mismatch'
  | 'output-size-mismatch'
  | 'shape-mismatch'
  // semantics (found by validateDocument)
  | 'no-output'
  | 'multiple-outputs'
  | 'loss-activation-mismatch'
  | 'softmax-not-before-output'
  | 'weights-wrong-length'
  | 'weights-not-finite'
  | 'weights-on-unweighted'
  | 'bias-wrong-length'
  | 'bias-not-finite'
  | 'param-wrong-length'
  | 'param-not-finite'
  | 'invalid-dropout-rate'
  | 'invalid-field'
  | 'no-targets'
  | 'cannot-reach-output'
  | 'unused-input';

export interface Problem {
  severity: 'error' | 'warning';
  code: ProblemCode;
  /** Plain words a learner understands, naming nodes by their name. */
  message: string;
  /** The nodes the problem should be shown on. */
  nodeIds: string[];
  edgeIds: string[];
  /** The field of the node (or edge) at fault, e.g. 'units', 'weights', 'rate'. */
  field?: string;
}

export const problem = (severity: Problem['severity'], code: ProblemCode, message: string, nodeIds: string[], edgeIds: string[] = [], field?: string): Problem =>
  field === undefined ? { severity, code, message, nodeIds, edgeIds } : { severity, code, message, nodeIds, edgeIds, field };

// ---------------------------------------------------------------------------------------------------------------
// The document side

/** What every node has, whatever its kind. */
export interface NodeBase {
  /** Stable id: never reused within a document, kept through save/load, edits and expand/collapse. */
  id: string;
  /** What the user calls it ("x1", "h1", "hidden 1"); shown on the canvas. */
  name: string;
  position: Position;
}

/** A node of a kind whose own fields are P. */
export type KindNode<T extends string, P> = NodeBase & { type: T } & (string extends keyof P ? unknown : P);

/** Shape inference: the shape, a problem in plain words, or nothing when an input's shape is not known yet. */
export type InferResult = { shape: Shape } | { problem: Problem } | undefined;

export interface InferContext<N> {
  node: N;
  /** The shape of each input, in input order (undefined where unknown: not computed yet, or on a cycle). */
  inputs: readonly (Shape | undefined)[];
  /** The incoming edges, parallel to `inputs`. */
  edges: readonly NetworkEdge[];
  /** Every node, to name sources in messages. */
  nodesById: Readonly<Record<string, NetworkNode>>;
}

export interface ValidateContext<N> {
  node: N;
  shape: Shape | undefined;
  inputs: readonly NetworkEdge[];
  outputs: readonly NetworkEdge[];
  nodesById: Readonly<Record<string, NetworkNode>>;
  shapes: Readonly<Record<string, Shape>>;
  /** The activation a node's values come out of, looking through Dropout and like Concats (validate.ts). */
  finalActivation(nodeId: string): ActivationName | undefined;
  /** The node's kind applies an activation of its own (so the fix is to change it, not to add one). */
  hasOwnActivation(nodeId: string): boolean;
}

/** A learnable parameter of a kind. */
export interface SlotSpec<N> {
  /** Its name in files, layouts and messages: 'weights', 'bias', 'gamma'. Never rename one. */
  name: string;
  /** On the node itself, or one block on each incoming edge (stored in the edge's `weights`). */
  on: 'node' | 'edge';
  /**
   * Its shape, from the node's output shape and (for an edge slot) the shape of the edge's source; null when the node
   * has no such slot (a Dense with useBias false has no bias).
   */
  shape(node: N, output: Shape, input: Shape | undefined): Shape | null;
  /** 'fan': the training setup's initialiser (fan-in = all values into the node, fan-out = its output size). */
  init: 'fan' | 'zeros' | 'ones';
  /** 'fan' slots whose fans are not those (a convolution's kernel [kh, kw, cin, f]: in kh·kw·cin, out kh·kw·f). */
  fan?(shape: Shape): { in: number; out: number };
  /** L1/L2 regularisation applies (weights yes, biases and normalisation scales no). */
  regularized: boolean;
  /** (Node slots get the shape of the node's first input as `input`, or undefined.) */
  /** Node slots: the stored values, if the document has them (any length: the caller checks it). */
  read?(node: N): unknown;
  /** Node slots: the node with these values stored. */
  write?(node: N, values: readonly number[]): N;
  /** Node slots that may be absent: the node without stored values (to be initialised again at training time). */
  clear?(node: N): N;
}

// ---------------------------------------------------------------------------------------------------------------
// The runtime side (src/core/network)

/** A parameter block: `length` values at `offset` in the flat parameter array, of `shape` (row-major). */
export interface SlotBlock {
  offset: number;
  length: number;
  shape: Shape;
}

/** One node of the compiled plan, in topological order. */
export interface PlanNode {
  id: string;
  node: NetworkNode;
  kind: AnyKind;
  shape: Shape;
  /** Values per example (the product of `shape`). */
  size: number;
  /** Index of each input node in the plan (for Concat in concat order). */
  inputs: number[];
  /** The edge slot's block of each input, parallel to `inputs` (empty for kinds without an edge slot). */
  blocks: { offset: number; rows: number; cols: number }[];
  /** The node's own slots by name. */
  slots: Record<string, SlotBlock>;
  /** The node's 'bias' slot, or null. */
  bias: { offset: number; length: number } | null;
  /** Its activation function, for kinds that have one. */
  activation: Activation | null;
  /** Its value depends on parameters, so a gradient must flow through it. */
  needsGrad: boolean;
  /** Input nodes: the x column of each unit. */
  columns: Int32Array | null;
}

/**
 * The buffers of one batch size, allocated once by each kind's `allocate` and reused every step.
 * Index i belongs to plan node i.
 */
export interface Workspace {
  batch: number;
  /** Output of each node (batch × size). Output nodes alias their producer's. */
  a: Float32Array[];
  /** Pre-activation, for kinds that have one (shown in explain mode and used by the fused losses). */
  z: (Float32Array | null)[];
  /** dLoss/dOutput of each node that depends on parameters. */
  da: (Float32Array | null)[];
  /** dLoss/dPreactivation, for kinds with a pre-activation that depend on parameters. */
  dz: (Float32Array | null)[];
  /** Whatever else a kind keeps between its forward and its backward (a dropout mask, normalisation statistics). */
  scratch: (Float32Array | null)[];
  /** The Output's targets, gathered from yTrue. */
  target: Float32Array;
  /** The last forward ran with dropout on. */
  training: boolean;
  /** Makes the buffers (`floats`): in the network's arena where it has one (src/core/arena.ts), else plain arrays. */
  alloc?: (n: number) => Float32Array;
}

/** A zeroed buffer of n floats for a workspace: resident in the network's arena where it has one. */
export function floats(ws: Workspace, n: number): Float32Array {
  return ws.alloc ? ws.alloc(n) : new Float32Array(n);
}

/** What a kind's forward and backward read and write. One object per network, its fields set before each pass. */
export interface RunContext {
  ws: Workspace;
  params: Float32Array;
  /** dLoss/dparam, accumulated by backward. */
  grads: Float32Array;
  /** The batch's input rows (batch × inputWidth). */
  x: Float32Array;
  inputWidth: number;
  rng: Rng;
  nodes: readonly PlanNode[];
  /** The plan index whose dLoss/dz the loss gives directly (a fused sigmoid/softmax), or −1. */
  fusedIndex: number;
}

/** Add g into dLoss/da of node s, if it needs one. */
export function addInto(ws: Workspace, s: number, g: Float32Array, n: number): void {
  const target = ws.da[s];
  if (target === null || target === undefined) return;
  for (let e = 0; e < n; e++) target[e] += g[e]!;
}

/** Allocate a node's output (and its gradient when it needs one): what most kinds need. */
export function allocatePlain(ws: Workspace, p: PlanNode, i: number): void {
  const n = ws.batch * p.size;
  ws.a[i] = floats(ws, n);
  if (p.needsGrad) ws.da[i] = floats(ws, n);
}

// ---------------------------------------------------------------------------------------------------------------
// Explain mode (src/core/explain.ts)

export interface ExplainTerm {
  /** The edge carrying this weight, and the unit of its source that the weight multiplies. */
  edgeId: string;
  sourceId: string;
  sourceUnit: number;
  /** Index of the weight in the edge's block (row-major: sourceUnit · cols + unit). */
  index: number;
  weight: number;
  input: number;
}

export interface ExplainForward {
  nodeId: string;
  /** Unit of the node (0 for a Neuron). */
  unit: number;
  kind: 'weighted' | 'activation' | 'formula';
  /** The weighted inputs of a Neuron/Dense unit; empty otherwise. */
  terms: ExplainTerm[];
  /** The unit's bias; null without one. */
  bias: number | null;
  z: number;
  activation: string;
  a: number;
  /** kind 'formula': the line to show, with its numbers. */
  formula?: string;
}

export interface ExplainContext<N> {
  node: N;
  id: string;
  /** This node's values for the example (z null where the kind has none). */
  z: Float32Array | null;
  a: Float32Array;
  /** Each input's values, in input order. */
  inputs: readonly Float32Array[];
  incoming: readonly NetworkEdge[];
  edgeBlocks: Readonly<Record<string, { offset: number; rows: number; cols: number }>>;
  slots: Readonly<Record<string, SlotBlock>>;
  params: Float32Array;
}

// ---------------------------------------------------------------------------------------------------------------
// ONNX (src/core/onnx)

export interface OnnxExportContext<N> {
  node: N;
  plan: PlanNode;
  /** A fresh tensor/node name: the node's (unique) name is `base`. */
  base: string;
  unique(name: string): string;
  /** The tensor of each input, in input order. */
  inputs: readonly string[];
  /** The shape of each input's values (one example), in input order. */
  inputShapes: readonly Shape[];
  params: Float32Array;
  opset: number;
  /** The tensor of the whole model input. */
  modelInput: string;
  /** The tensor of the whole model output (the Output kind writes it). */
  modelOutput: string;
  add(opType: string, name: string, inputs: string[], outputs: string[], attributes?: OnnxAttribute[]): void;
  constant(name: string, dims: number[], values: ArrayLike<number>): string;
  /** A weight matrix [fan-in, units]: a float constant, or (exporting a quantized model) the stored low-precision tensor and its dequantization. Returns the float tensor's name. */
  weights?(name: string, dims: number[], values: ArrayLike<number>): string;
  intConstant(name: string, dims: number[], values: readonly number[]): string;
  /** Emit the activation `act` from `input` into `output`. */
  activation(act: ActivationName, base: string, input: string, output: string): void;
  attrFloat(name: string, f: number): OnnxAttribute;
  attrInt(name: string, i: number): OnnxAttribute;
}

/** A value while importing: the model input, a node's output, or a constant. */
export type ImportValue =
  | { kind: 'input'; size: number }
  | {
      kind: 'node'; nodeId: string; size: number;
      /** Image values (src/core/kinds/image.ts): their shape [h, w, c], and how the ONNX tensor holds them
       *  ('flat': [N, h·w·c] row-major channels last, as between Netwright nodes; 'nhwc' [N, h, w, c]; 'nchw'). */
      image?: { shape: Shape; layout: 'flat' | 'nhwc' | 'nchw' };
    }
  | { kind: 'const'; tensor: OnnxTensor };

export interface OnnxImportContext {
  /** The ONNX node being imported, its label for messages, its name and its non-empty inputs. */
  onnx: OnnxNode;
  label: string;
  name: string;
  ins: readonly string[];
  opset: number;
  value(tensor: string): ImportValue;
  /** The node a value comes from (the whole model input becomes one Input node, made on first use). */
  sourceOf(value: ImportValue): { id: string; size: number };
  /** Adds the node (its id is set) and returns its id. */
  addNode(node: NetworkNode): string;
  node(id: string): NetworkNode | undefined;
  connect(source: string, target: string, extra?: Partial<NetworkEdge>): NetworkEdge;
  /** The value the ONNX node's first output holds. */
  set(value: ImportValue): void;
  /** How many ONNX nodes read a tensor (through aliases). */
  readers(tensor: string): number;
  /** The model input's column names. */
  featureNames: readonly string[];
  attr(name: string): OnnxAttribute | undefined;
  intAttr(name: string, fallback: number): number;
  floatAttr(name: string, fallback: number): number;
  /** A refusal naming the node ("node 'x': <message>"), to throw. */
  fail(message: string): Error;
}

/** The kind of an ONNX attribute, as its schema declares it. */
export type OnnxAttributeKind = 'int' | 'float' | 'string' | 'ints' | 'floats' | 'tensor';

/**
 * What ONNX Runtime checks of a node before it runs it, for one operator: the first opset that has it (in the form
 * the importer reads), how many inputs and outputs it takes, and its attributes with their kinds. The importer refuses
 * a node that breaks it (an unknown attribute, an extra input) naming the node, as ONNX Runtime does.
 */
export interface OnnxOpSchema {
  since: number;
  inputs: readonly [min: number, max: number];
  outputs: readonly [min: number, max: number];
  attributes: Readonly<Record<string, OnnxAttributeKind>>;
  /** Attributes it cannot do without (Concat's axis). */
  required?: readonly string[];
}

export interface OnnxImporter {
  /** The operator types it reads ('Gemm', 'MatMul') with their schemas. */
  ops: Readonly<Record<string, OnnxOpSchema>>;
  run(ctx: OnnxImportContext): void;
}

// ---------------------------------------------------------------------------------------------------------------
// Code emitters: PyTorch (model.py of the PyTorch project) and NumPy (the NumPy script), src/core/exchange

/** What a kind's code emitters get: the node, its plan entry, its Python name and its inputs' Python names. */
export interface CodeContext<N> {
  node: N;
  plan: PlanNode;
  /** The node's variable (and module attribute) name: the user's node name, sanitised and unique. */
  name: string;
  /** The variable holding each input's values (batch × size), in input order. */
  inputs: readonly string[];
  /** Each input's number of values per example, in input order. */
  inputSizes: readonly number[];
  /** Each input's shape ([h, w, c] for an image, flat NHWC in its variable), in input order. */
  inputShapes: readonly Shape[];
  /** The incoming edges, parallel to `inputs`. */
  edges: readonly NetworkEdge[];
  /** The whole model input (batch × features). */
  modelInput: string;
  /** The activation `act` applied to the Python expression `expr`, in the target library. */
  activation(act: ActivationName, expr: string): string;
  /** NumPy: dLoss/dz of the activation `act` from the variables of z, a = f(z) and dLoss/da (softmax: its Jacobian-vector product). */
  activationGrad(act: ActivationName, z: string, a: string, da: string): string;
  /** The current parameters (the NumPy script writes them inline). */
  params: Float32Array;
  /** A Python literal of float32 values laid out as `shape` (NumPy: np.array([...], dtype=np.float32)). */
  literal(values: ArrayLike<number>, shape: readonly number[]): string;
}

/** One torch parameter of model.py and the Netwright parameter blocks it holds. */
export interface PyTorchParam {
  /** Its path in the module's state_dict: "hidden_1.weight". */
  path: string;
  /** The blocks it holds, stacked along the first axis in this order: edge slots by edge id, node slots by name. */
  parts: ({ edge: string } | { slot: string })[];
  /** Transposed after stacking (nn.Linear keeps its weight as out × in, Netwright's block is in × out). */
  transpose: boolean;
  /** L1/L2 apply to it (the slot's `regularized`). */
  regularized: boolean;
}

export interface PyTorchCode {
  /** Lines of __init__ that declare its modules or parameters (`self.<name> = nn.Linear(2, 4)`); [] for none. */
  init: string[];
  /** Lines of forward that set the variable `name` from the inputs' variables. */
  forward: string[];
  /** The variable holding its pre-activation, if it has one (a fused loss starts from it). */
  preactivation?: string;
  /** Its torch parameters and the Netwright blocks they hold; [] when it learns nothing. */
  params: PyTorchParam[];
}

export interface NumpyCode {
  /** Lines of the forward function that set the variable `name` (and `<name>_z`, the pre-activation, if any). */
  forward: string[];
  /**
   * Lines of the backward function: from `d_<name>` (dLoss/d<name>, batch × size, already summed over its readers)
   * add into each input's `d_<input>` (every one exists, zeroed) and set `g_<variable>` for each of its parameters.
   */
  backward: string[];
  /** Its parameter variables (globals of the script): the variable, the Netwright block, its shape. */
  params: { variable: string; part: { edge: string } | { slot: string }; shape: readonly number[] }[];
}

// ---------------------------------------------------------------------------------------------------------------
// Test fixtures every kind must give (the table-driven tests in tests/core/kinds iterate them)

export interface KindExamples {
  /**
   * Small networks that use the kind, with weights set, built by the kind itself: the gradient check, the reference
   * comparison, the serialize and ONNX round trips run on each. Its input features are named x1…xk and its targets
   * y1…ym; the Output uses mse unless the kind is about losses.
   */
  networks(): NetworkDocument[];
  /** A network where a node of this kind has fewer inputs than it needs, or more than it takes; null: every count is fine. */
  wrongArity(): NetworkDocument | null;
  /** A network where a node of this kind gets inputs whose shapes it refuses; null: it accepts every shape (say why). */
  wrongShape(): NetworkDocument | { none: string };
}

/**
 * The float64 reference of a kind for the tests: its output for one example from its inputs' values and its
 * parameters (by slot name; edge slots as `weights[k]`, one per input), written as plainly as possible.
 */
export type Reference<N> = (node: N, inputs: readonly number[][], params: { node: Record<string, number[]>; edges: number[][] }, x: readonly number[], featureNames: readonly string[], inputShapes: readonly Shape[]) => number[];

// ---------------------------------------------------------------------------------------------------------------

export interface KindDef<T extends string, S extends z.ZodObject, N = KindNode<T, z.infer<S>>> {
  type: T;
  /** The prefix of a new node's id, and so of its default name: "dense3", "n4", "x1". */
  idPrefix: string;
  /** Short name for the palette: "Dense layer". */
  label: string;
  /** One sentence a learner understands. */
  description: string;
  /** The kind's own fields (besides id, type, name, position), in the key order of saved files. */
  props: S;
  /** The kind's own fields of a new node. */
  defaults(id: string): z.infer<S>;
  /** How many incoming edges it needs at least and accepts at most (Infinity: no limit). */
  minInputs: number;
  maxInputs: number;
  /** Other nodes may take its output (false for Output, which ends the network). */
  hasOutput: boolean;
  /** 'input' reads columns of the data; 'output' compares with targets using a loss. */
  role?: 'input' | 'output';
  /** role 'input': the feature columns it reads. */
  features?(node: N): readonly string[];
  /** role 'output': its loss and target columns. */
  loss?(node: N): LossName;
  targets?(node: N): readonly string[];
  /** Fields of a new edge into it, given its existing ones (Concat: `order`, so the new input goes last). */
  newEdge?(existing: readonly NetworkEdge[]): Partial<NetworkEdge>;
  /** Sort its incoming edges (Concat: by `order`); default: document order. */
  sortInputs?(edges: NetworkEdge[]): void;
  infer(ctx: InferContext<N>): InferResult;
  /** Problems beyond the schema and the shapes (a rate out of range, a loss that does not fit its producer). */
  validate?(ctx: ValidateContext<N>): Problem[];
  /** The activation function it applies, if it has one. */
  activation?(node: N): ActivationName;
  /** It passes its inputs' activation on (Dropout: its one input's; Concat: its inputs' when all agree). */
  activationThrough?: 'single' | 'all';
  /** Named parameter slots; [] when it learns nothing. */
  slots: readonly SlotSpec<N>[];
  /**
   * Float32 values of workspace per example it allocates beyond the four per output unit every estimate counts
   * (a, z, da, dz): Conv2D's im2col patches and their gradient. Read by the training memory estimate (the status bar
   * and the trainer's refusal) and by its own `allocate`, so the two cannot disagree. None: no more than those four.
   */
  workspace?(node: N, shape: Shape, input: Shape | undefined, needsGrad: boolean): number;
  /** Allocate its buffers in a new workspace (its output in ws.a[i], and whatever else it keeps). */
  allocate(ws: Workspace, p: PlanNode, i: number): void;
  /** ws.a[i] from its inputs' outputs and its parameters. */
  forward(c: RunContext, p: PlanNode, i: number): void;
  /** From ws.da[i]: add into its parameters' grads and its inputs' da. Called only when p.needsGrad. */
  backward(c: RunContext, p: PlanNode, i: number): void;
  /** Explain-mode lines for the forward pass of one example; none: it is not shown in the forward stages. */
  explain?(ctx: ExplainContext<N>): ExplainForward[];
  onnx: {
    /** Emit its ONNX nodes; returns the tensor holding its output. */
    export(ctx: OnnxExportContext<N>): string;
    /** The ONNX operators that import as this kind (none: it is never imported, e.g. Output, made by the importer). */
    import: OnnxImporter | null;
  };
  /** Its part of the PyTorch project's model.py (src/core/exchange/pytorch.ts). */
  pytorch(ctx: CodeContext<N>): PyTorchCode;
  /** Its part of the NumPy script, forward and backward (src/core/exchange/numpy.ts). */
  numpy(ctx: CodeContext<N>): NumpyCode;
  reference: Reference<N>;
  examples: KindExamples;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the table holds kinds of every props type
export type AnyKind = KindDef<string, z.ZodObject, any>;

/** A new node of a kind at a position, with its defaults. */
export function nodeAt<T extends string, P>(type: T, id: string, position: Position, props: P): KindNode<T, P> {
  return { id, type, name: id, position: { x: position.x, y: position.y }, ...props };
}

export type { AttributeType };
