/**
 * The node kinds as the editor, the validator and the graph analysis see them, derived from the table of kinds
 * (src/core/kinds/index.ts). Adding a kind is adding its module and one line in that table; nothing here changes.
 */
import type { NetworkNode, NodeType, Position } from './document';
import { KINDS, isNodeKind } from './kinds';
import type { AnyKind } from './kinds/kind';

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
  /** It owns a parameter block on each incoming edge (a weight slot on the edge). */
  weighted: boolean;
  /** Other nodes may take its output (false for Output, which ends the network). */
  hasOutput: boolean;
}

function info<T extends NodeType>(kind: AnyKind & { type: T }): NodeTypeInfo<T> {
  return {
    type: kind.type,
    label: kind.label,
    description: kind.description,
    defaults: (id, position) => ({ id, type: kind.type, name: id, position: { x: position.x, y: position.y }, ...kind.defaults(id) }) as NodeOf<T>,
    minInputs: kind.minInputs,
    maxInputs: kind.maxInputs,
    weighted: kind.slots.some((s) => s.on === 'edge'),
    hasOutput: kind.hasOutput,
  };
}

export const NODE_TYPES: { readonly [T in NodeType]: NodeTypeInfo<T> } = Object.fromEntries(
  (Object.keys(KINDS) as NodeType[]).map((type) => [type, info(KINDS[type] as AnyKind & { type: typeof type })]),
) as { readonly [T in NodeType]: NodeTypeInfo<T> };

/** Every node type, in palette order. */
export const NODE_TYPE_LIST: readonly NodeType[] = Object.keys(NODE_TYPES) as NodeType[];

export function isNodeType(value: unknown): value is NodeType {
  return isNodeKind(value);
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
