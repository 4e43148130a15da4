import type { Edge, Node } from '@xyflow/react';
import type { NetworkNode, NodeType } from '../../core/document';
import type { NodeOf } from '../../core/nodes';
import type { Problem } from '../../core/graph';
import type { NodeValues } from './trace';

/** What every node component gets: its document node, and what the core says about it. */
export interface FlowNodeData<N extends NetworkNode = NetworkNode> extends Record<string, unknown> {
  node: N;
  /** Output size, when the core could infer it. */
  size: number | undefined;
  /** Output shape ([h, w, c] for an image), when the core could infer it. */
  shape?: readonly number[] | undefined;
  /** The core's errors and warnings on this node. */
  problems: readonly Problem[];
  /** This node's z and a on the example input, when the network can run. */
  values: NodeValues | undefined;
  /** Input nodes: the example value of each feature. */
  example: readonly number[] | undefined;
}

export type FlowNodeOf<T extends NodeType> = Node<FlowNodeData<NodeOf<T>>, T>;
export type InputFlowNode = FlowNodeOf<'input'>;
export type NeuronFlowNode = FlowNodeOf<'neuron'>;
export type DenseFlowNode = FlowNodeOf<'dense'>;
export type ActivationFlowNode = FlowNodeOf<'activation'>;
export type DropoutFlowNode = FlowNodeOf<'dropout'>;
export type AddFlowNode = FlowNodeOf<'add'>;
export type ConcatFlowNode = FlowNodeOf<'concat'>;
export type OutputFlowNode = FlowNodeOf<'output'>;
export type Conv2DFlowNode = FlowNodeOf<'conv2d'>;
/** A flow node of any kind, derived from the kinds table. */
export type NetworkFlowNode = { [T in NodeType]: FlowNodeOf<T> }[NodeType];

export interface WeightEdgeData extends Record<string, unknown> {
  /** 'weight': one scalar weight (shown as a number); 'block': an m×n block into a layer; 'plain': no weights. */
  kind: 'weight' | 'block' | 'plain';
  /** The weight of a scalar edge, when set. */
  weight: number | undefined;
  /** "2×8" for a block. */
  shape: string | undefined;
  problem: boolean;
}

export type WeightFlowEdge = Edge<WeightEdgeData, 'weight'>;
