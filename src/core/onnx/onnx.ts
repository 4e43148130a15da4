/**
 * The part of the ONNX format (onnx/onnx.proto, IR version 8+) that Netwright writes and reads: a model with one
 * graph of nodes, float32/int64 initializers, typed inputs and outputs, and metadata. Field numbers are ONNX's.
 */
import { MAX_EDGES, MAX_NODES } from '../limits';
import { Message, ProtobufError, Writer } from './protobuf';

export const TensorType = { FLOAT: 1, INT8: 3, INT64: 7, FLOAT16: 10 } as const;
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  /** FLOAT data. */
  floats?: Float32Array;
  /** INT64 data. */
  ints?: number[];
  /** Any other type's data as raw little-endian bytes (written only: INT8, FLOAT16 of a quantized export). */
  raw?: Uint8Array;
}

export interface OnnxAttribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: string;
  ints?: number[];
  floats?: number[];
  t?: OnnxTensor;
}

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
}

export interface OnnxValueInfo {
  name: string;
  elemType: number;
  /** A number for a fixed dimension, a string for a named one ("N"), null when unknown. */
  dims: (number | string | null)[];
  /** Read from a file: false when it declares no shape at all (then `dims` is empty and says nothing). */
  shapeKnown?: boolean;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  docString: string;
  graph: OnnxGraph;
  metadata: Record<string, string>;
}

// ---- writing ----

function tensorWriter(t: OnnxTensor): Writer {
  const w = new Writer();
  w.packedInts(1, t.dims);
  w.int(2, t.dataType);
  w.string(8, t.name);
  if (t.dataType === TensorType.FLOAT) {
    const data = t.floats ?? new Float32Array(0);
    const raw = new Uint8Array(data.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
    w.bytes(9, raw);
  } else if (t.dataType === TensorType.INT64) {
    const data = t.ints ?? [];
    const raw = new Uint8Array(data.length * 8);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < data.length; i++) view.setBigInt64(i * 8, BigInt(data[i]!), true);
    w.bytes(9, raw);
  } else if (t.raw) {
    w.bytes(9, t.raw);
  }
  return w;
}

function attributeWriter(a: OnnxAttribute): Writer {
  const w = new Writer();
  w.string(1, a.name);
  w.int(20, a.type);
  switch (a.type) {
    case AttributeType.FLOAT:
      w.float(2, a.f ?? 0);
      break;
    case AttributeType.INT:
      w.int(3, a.i ?? 0);
      break;
    case AttributeType.STRING:
      w.string(4, a.s ?? '');
      break;
    case AttributeType.TENSOR:
      if (a.t) w.message(5, tensorWriter(a.t));
      break;
    case AttributeType.INTS:
      w.packedInts(8, a.ints ?? []);
      break;
    case AttributeType.FLOATS:
      for (const f of a.floats ?? []) w.float(7, f);
      break;
  }
  return w;
}

function valueInfoWriter(v: OnnxValueInfo): Writer {
  const shape = new Writer();
  for (const d of v.dims) {
    const dim = new Writer();
    if (typeof d === 'number') dim.int(1, d);
    else if (typeof d === 'string') dim.string(2, d);
    shape.message(1, dim);
  }
  const tensor = new Writer().int(1, v.elemType).message(2, shape);
  const type = new Writer().message(1, tensor);
  return new Writer().string(1, v.name).message(2, type);
}

export function encodeModel(model: OnnxModel): Uint8Array {
  const graph = new Writer();
  for (const n of model.graph.nodes) {
    const node = new Writer();
    for (const i of n.inputs) node.string(1, i);
    for (const o of n.outputs) node.string(2, o);
    node.string(3, n.name);
    node.string(4, n.opType);
    for (const a of n.attributes) node.message(5, attributeWriter(a));
    if (n.domain !== '') node.string(7, n.domain);
    graph.message(1, node);
  }
  graph.string(2, model.graph.name);
  for (const t of model.graph.initializers) graph.message(5, tensorWriter(t));
  for (const v of model.graph.inputs) graph.message(11, valueInfoWriter(v));
  for (const v of model.graph.outputs) graph.message(12, valueInfoWriter(v));

  const w = new Writer();
  w.int(1, model.irVersion);
  w.string(2, model.producerName);
  w.string(3, model.producerVersion);
  if (model.docString !== '') w.string(6, model.docString);
  w.message(7, graph);
  for (const o of model.opsets) {
    const op = new Writer();
    if (o.domain !== '') op.string(1, o.domain);
    op.int(2, o.version);
    w.message(8, op);
  }
  for (const [key, value] of Object.entries(model.metadata)) w.message(14, new Writer().string(1, key).string(2, value));
  return w.finish();
}

// ---- reading ----

/** Tensors larger than this are refused: a file must not make the app allocate without bound. */
export const MAX_TENSOR_ELEMENTS = 1 << 26;

function readTensor(m: Message): OnnxTensor {
  const name = m.string(8, 'name');
  const dims = m.ints(1, 'dims');
  const dataType = m.int(2, 'data_type');
  const label = `tensor '${name}'`;
  let count = 1;
  for (const d of dims) {
    if (d < 0) throw new ProtobufError(`${label}: dimension ${d} is negative`);
    count *= d;
  }
  if (count > MAX_TENSOR_ELEMENTS) throw new ProtobufError(`${label}: ${count} values is more than the ${MAX_TENSOR_ELEMENTS} Netwright reads`);
  const raw = m.bytes(9, 'raw_data');
  const tensor: OnnxTensor = { name, dims, dataType };
  if (m.has(13) || m.int(14, 'data_location', 0) === 1) throw new ProtobufError(`${label}: data stored outside the model file (external data) is not supported`);
  if (dataType === TensorType.FLOAT) {
    let floats: Float32Array;
    if (raw !== undefined) {
      if (raw.length !== count * 4) throw new ProtobufError(`${label}: ${raw.length} bytes of data for ${count} float32 values`);
      floats = new Float32Array(count);
      const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
      for (let i = 0; i < count; i++) floats[i] = view.getFloat32(i * 4, true);
    } else {
      const list = m.floats(4, 'float_data');
      if (list.length !== count) throw new ProtobufError(`${label}: ${list.length} values for the shape [${dims.join(', ')}]`);
      floats = Float32Array.from(list);
    }
    tensor.floats = floats;
  } else if (dataType === TensorType.INT64) {
    let ints: number[];
    if (raw !== undefined) {
      if (raw.length !== count * 8) throw new ProtobufError(`${label}: ${raw.length} bytes of data for ${count} int64 values`);
      const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
      ints = [];
      for (let i = 0; i < count; i++) {
        const v = view.getBigInt64(i * 8, true);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new ProtobufError(`${label}: ${v} is too large`);
        ints.push(Number(v));
      }
    } else {
      ints = m.ints(7, 'int64_data');
      if (ints.length !== count) throw new ProtobufError(`${label}: ${ints.length} values for the shape [${dims.join(', ')}]`);
    }
    tensor.ints = ints;
  }
  return tensor;
}

function readAttribute(m: Message): OnnxAttribute {
  const a: OnnxAttribute = { name: m.string(1, 'name'), type: m.int(20, 'type') };
  if (m.has(2)) a.f = m.float(2, 'f');
  if (m.has(3)) a.i = m.int(3, 'i');
  if (m.has(4)) a.s = m.string(4, 's');
  if (m.has(5)) a.t = readTensor(m.message(5, 't')!);
  if (m.has(7)) a.floats = m.floats(7, 'floats');
  if (m.has(8)) a.ints = m.ints(8, 'ints');
  return a;
}

function readValueInfo(m: Message): OnnxValueInfo {
  const info: OnnxValueInfo = { name: m.string(1, 'name'), elemType: 0, dims: [] };
  const tensor = m.message(2, 'type')?.message(1, 'tensor_type');
  if (tensor) {
    info.elemType = tensor.int(1, 'elem_type');
    const shape = tensor.message(2, 'shape');
    info.shapeKnown = shape !== undefined;
    if (shape) {
      info.dims = shape.messages(1, 'dim').map((d) => (d.has(1) ? d.int(1, 'dim_value') : d.has(2) ? d.string(2, 'dim_param') : null));
    }
  }
  return info;
}

/**
 * The most nodes a model may have, and inputs a node may have, checked on the counts before the nodes are decoded:
 * a network has at most MAX_NODES nodes and MAX_EDGES connections, and each of its nodes takes a few ONNX nodes at
 * most (a composed gelu is ten), so a larger graph cannot become a network and is refused at once.
 */
export const MAX_MODEL_NODES = 20 * MAX_NODES;

/** A well-formed model beyond the limits above. */
export class ModelTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelTooLargeError';
  }
}
export const MAX_NODE_INPUTS = MAX_EDGES;

/** Decode a model. Throws ProtobufError with a message saying what is wrong and where. */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  const m = Message.decode(bytes, 'model');
  const g = m.message(7, 'graph');
  if (!g) throw new ProtobufError('model: there is no graph in this file, so it is not an ONNX model');
  const nodeCount = g.count(1);
  if (nodeCount > MAX_MODEL_NODES) {
    throw new ModelTooLargeError(`the model has ${nodeCount.toLocaleString('en-US')} nodes; Netwright reads models of at most ${MAX_MODEL_NODES.toLocaleString('en-US')} (its networks have at most ${MAX_NODES.toLocaleString('en-US')} nodes)`);
  }
  const nodes = g.messages(1, 'node');
  nodes.forEach((n, k) => {
    const inputs = n.count(1);
    if (inputs > MAX_NODE_INPUTS) throw new ModelTooLargeError(`model.graph.node[${k}] has ${inputs.toLocaleString('en-US')} inputs; Netwright's networks have at most ${MAX_EDGES.toLocaleString('en-US')} connections`);
  });
  const graph: OnnxGraph = {
    name: g.string(2, 'name'),
    nodes: nodes.map((n) => ({
      inputs: n.strings(1, 'input'),
      outputs: n.strings(2, 'output'),
      name: n.string(3, 'name'),
      opType: n.string(4, 'op_type'),
      attributes: n.messages(5, 'attribute').map(readAttribute),
      domain: n.string(7, 'domain'),
    })),
    initializers: g.messages(5, 'initializer').map(readTensor),
    inputs: g.messages(11, 'input').map(readValueInfo),
    outputs: g.messages(12, 'output').map(readValueInfo),
  };
  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const e of m.messages(14, 'metadata_props')) metadata[e.string(1, 'key')] = e.string(2, 'value');
  return {
    irVersion: m.int(1, 'ir_version'),
    producerName: m.string(2, 'producer_name'),
    producerVersion: m.string(3, 'producer_version'),
    docString: m.string(6, 'doc_string'),
    opsets: m.messages(8, 'opset_import').map((o) => ({ domain: o.string(1, 'domain'), version: o.int(2, 'version') })),
    graph,
    metadata,
  };
}
