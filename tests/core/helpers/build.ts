/** Tiny builders for documents in tests: nodes named after their ids, edges numbered e0, e1, … */
import { emptyDocument, type NetworkDocument, type NetworkEdge, type NetworkNode } from '../../../src/core/document';
import { createNode, type NodeOverrides } from '../../../src/core/nodes';
import type { NodeType } from '../../../src/core/document';

const origin = { x: 0, y: 0 };

export function node<T extends NodeType>(type: T, id: string, overrides?: NodeOverrides<T>) {
  return createNode(type, id, origin, overrides);
}

export type EdgeSpec = [source: string, target: string, extra?: Partial<NetworkEdge>];

export function build(nodes: NetworkNode[], edges: EdgeSpec[]): NetworkDocument {
  return {
    ...emptyDocument('test'),
    nodes,
    edges: edges.map(([source, target, extra], i) => ({ id: `e${i}`, source, target, ...(extra ?? {}) })),
  };
}
