/**
 * The editor's node-type registry, on top of the core's (src/core/nodes.ts: defaults, ports, label, description):
 * for each type, the component that draws it, the fields the inspector edits and the words the search box matches.
 * Adding a node type is one entry here (the `satisfies` below makes a missing one a type error).
 */
import type { ComponentType } from 'react';
import type { NodeProps, NodeTypes } from '@xyflow/react';
import type { NodeType } from '../../core/document';
import { NODE_TYPES } from '../../core/nodes';
import { ActivationView, AddView, ConcatView, DenseView, DropoutView, InputView, NeuronView, OutputView } from './nodes';

export type FieldSpec =
  | { key: 'name'; label: string; kind: 'text' }
  | { key: string; label: string; kind: 'number'; step: number; min?: number; max?: number; hint?: string }
  | { key: string; label: string; kind: 'integer'; min: number; max: number; hint?: string }
  | { key: string; label: string; kind: 'activation' }
  | { key: string; label: string; kind: 'loss' }
  | { key: string; label: string; kind: 'boolean'; hint?: string }
  | { key: string; label: string; kind: 'names'; hint: string };

export interface EditorNodeType {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own typed props
  component: ComponentType<NodeProps<any>>;
  fields: readonly FieldSpec[];
  /** Extra words the search box matches besides the label and type ("fc", "linear", "sum"). */
  keywords: readonly string[];
}

const NAME: FieldSpec = { key: 'name', label: 'Name', kind: 'text' };

export const EDITOR_NODE_TYPES = {
  input: {
    component: InputView,
    fields: [NAME, { key: 'features', label: 'Features', kind: 'names', hint: 'The data columns it feeds, separated by commas.' }],
    keywords: ['feature', 'data', 'x'],
  },
  neuron: {
    component: NeuronView,
    fields: [NAME, { key: 'activation', label: 'Activation', kind: 'activation' }, { key: 'bias', label: 'Bias', kind: 'number', step: 0.01 }],
    keywords: ['unit', 'perceptron'],
  },
  dense: {
    component: DenseView,
    fields: [
      NAME,
      { key: 'units', label: 'Units', kind: 'integer', min: 1, max: 4096 },
      { key: 'activation', label: 'Activation', kind: 'activation' },
      { key: 'useBias', label: 'Use bias', kind: 'boolean' },
    ],
    keywords: ['layer', 'fully connected', 'fc', 'linear'],
  },
  activation: {
    component: ActivationView,
    fields: [NAME, { key: 'activation', label: 'Function', kind: 'activation' }],
    keywords: ['relu', 'tanh', 'sigmoid', 'softmax', 'nonlinearity'],
  },
  dropout: {
    component: DropoutView,
    fields: [NAME, { key: 'rate', label: 'Dropout rate', kind: 'number', step: 0.05, min: 0, max: 0.95, hint: 'Fraction of values dropped while training.' }],
    keywords: ['regularization', 'regularisation'],
  },
  add: { component: AddView, fields: [NAME], keywords: ['sum', 'plus', 'residual', 'skip'] },
  concat: { component: ConcatView, fields: [NAME], keywords: ['join', 'merge', 'stack'] },
  output: {
    component: OutputView,
    fields: [NAME, { key: 'loss', label: 'Loss', kind: 'loss' }, { key: 'targets', label: 'Targets', kind: 'names', hint: 'The target columns, one per output value, separated by commas.' }],
    keywords: ['loss', 'prediction', 'target', 'result'],
  },
} as const satisfies { readonly [T in NodeType]: EditorNodeType };

/** React Flow's node types, built once at module scope. */
export const nodeTypes: NodeTypes = Object.fromEntries(
  (Object.keys(EDITOR_NODE_TYPES) as NodeType[]).map((type) => [type, EDITOR_NODE_TYPES[type].component]),
) as NodeTypes;

/** Node types whose label, type name or keywords match the query, best first: label prefix, then word prefix, then anywhere. */
export function searchNodeTypes(query: string): NodeType[] {
  const q = query.trim().toLowerCase();
  const all = Object.keys(EDITOR_NODE_TYPES) as NodeType[];
  if (q === '') return all;
  const score = (type: NodeType): number => {
    const label = NODE_TYPES[type].label.toLowerCase();
    const words = [label, type, ...EDITOR_NODE_TYPES[type].keywords];
    if (label.startsWith(q) || type.startsWith(q)) return 0;
    if (words.some((w) => w.split(/\s+/).some((part) => part.startsWith(q)))) return 1;
    if (words.some((w) => w.includes(q))) return 2;
    return -1;
  };
  return all
    .map((type, i) => ({ type, s: score(type), i }))
    .filter((x) => x.s >= 0)
    .sort((a, b) => a.s - b.s || a.i - b.i)
    .map((x) => x.type);
}
