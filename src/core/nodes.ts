/**
 * The node-type registry: everything the editor, the validator and the graph analysis need to know about a node type,
 * in one entry per type. Adding a type is adding one entry here (and its case in document.ts).
 */
import type { NetworkNode, NodeType, Position } from './document';

/** The node of a given type, e.g. `NodeOf<'dense'>` is `DenseNode`. */
export type NodeOf<T extends NodeType> = Extract<NetworkNode, { type: T }>;

/** The fields a caller may override when making a node (everything but its type and id). */
export type NodeOverrides<T extends NodeType> = Partial<Omit<NodeOf<T>, 'type' | 'id'>>;

export interface NodeTypeInfo<T extends NodeType = NodeType> {
  type: T;
  /** Short name for the palette: "Dense layer". */
  label: string;
  /** One sentence a learner understands. */
  description: string;
  /** A new node of this type with sensible defaults; its name is its id until the user renames it. */
  defaults(id: string, position: Position): NodeOf<T>;
  /** How many incoming edges it needs at least and accepts at most (Infinity: no limit). */
  minInputs: number;
  maxInputs: number;
  /** It owns a weight block on each incoming edge (and biases). */
  weighted: boolean;
  /** Other nodes may take its output (false for Output, which ends the network). */
  hasOutput: boolean;
}

const at = (position: Position): Position => ({ x: position.x, y: position.y });

export const NODE_TYPES: { readonly [T in NodeType]: NodeTypeInfo<T> } = {
  input: {
    type: 'input',
    label: 'Input',
    description: 'Feeds one feature (or a vector of features) of each example into the network.',
    defaults: (id, position) => ({ type: 'input', id, name: id, position: at(position), features: [id] }),
    minInputs: 0,
    maxInputs: 0,
    weighted: false,
    hasOutput: true,
  },
  neuron: {
    type: 'neuron',
    label: 'Neuron',
    description: 'One unit: multiplies each input by its weight, adds a bias, and applies an activation.',
    defaults: (id, position) => ({ type: 'neuron', id, name: id, position: at(position), activation: 'relu', bias: 0 }),
    minInputs: 1,
    maxInputs: Infinity,
    weighted: true,
    hasOutput: true,
  },
  dense: {
    type: 'dense',
    label: 'Dense layer',
    description: 'A layer of units, each connected to every input value, with its own weights, bias and activation.',
    defaults: (id, position) => ({
      type: 'dense', id, name: id, position: at(position), units: 4, activation: 'relu', useBias: true,
    }),
    minInputs: 1,
    maxInputs: Infinity,
    weighted: true,
    hasOutput: true,
  },
  activation: {
    type: 'activation',
    label: 'Activation',
    description: 'Applies a function (ReLU, tanh, sigmoid, …) to each value of its input, with no weights.',
    defaults: (id, position) => ({ type: 'activation', id, name: id, position: at(position), activation: 'relu' }),
    minInputs: 1,
    maxInputs: 1,
    weighted: false,
    hasOutput: true,
  },
  dropout: {
    type: 'dropout',
    label: 'Dropout',
    description: 'While training, sets a random fraction of its input values to zero so the network cannot rely on any one.',
    defaults: (id, position) => ({ type: 'dropout', id, name: id, position: at(position), rate: 0.2 }),
    minInputs: 1,
    maxInputs: 1,
    weighted: false,
    hasOutput: true,
  },
  add: {
    type: 'add',
    label: 'Add',
    description: 'Adds its inputs value by value; they must all have the same size.',
    defaults: (id, position) => ({ type: 'add', id, name: id, position: at(position) }),
    minInputs: 1,
    maxInputs: Infinity,
    weighted: false,
    hasOutput: true,
  },
  concat: {
    type: 'concat',
    label: 'Concat',
    description: 'Joins its inputs end to end into one longer vector, in the order of their connections.',
    defaults: (id, position) => ({ type: 'concat', id, name: id, position: at(position) }),
    minInputs: 1,
    maxInputs: Infinity,
    weighted: false,
    hasOutput: true,
  },
  output: {
    type: 'output',
    label: 'Output',
    description: "Marks the network's prediction and compares it with the target columns using a loss.",
    defaults: (id, position) => ({ type: 'output', id, name: id, position: at(position), loss: 'mse', targets: ['y'] }),
    minInputs: 1,
    maxInputs: 1,
    weighted: false,
    hasOutput: false,
  },
};

/** Every node type, in palette order. */
export const NODE_TYPE_LIST: readonly NodeType[] = Object.keys(NODE_TYPES) as NodeType[];

export function isNodeType(value: unknown): value is NodeType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(NODE_TYPES, value);
}

export function nodeInfo<T extends NodeType>(type: T): NodeTypeInfo<T> {
  return NODE_TYPES[type] as NodeTypeInfo<T>;
}

/** A weighted node (Neuron, Dense) owns a weight block on each incoming edge. */
export function isWeighted(node: NetworkNode): boolean {
  return NODE_TYPES[node.type].weighted;
}

/** A new node of `type` with the registry's defaults, then `overrides` on top. */
export function createNode<T extends NodeType>(type: T, id: string, position: Position, overrides?: NodeOverrides<T>): NodeOf<T> {
  const node = nodeInfo(type).defaults(id, position);
  return { ...node, ...(overrides ?? {}), type, id } as NodeOf<T>;
}
