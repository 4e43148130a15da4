/**
 * The editor's node-type registry, derived from the renderer's table of kinds (src/renderer/kinds): for each type, the
 * component that draws it, the fields the inspector edits and the words the search box matches. Adding a kind is its
 * module and one line in that table, never an entry here.
 */
import type { ComponentType } from 'react';
import type { NodeProps, NodeTypes } from '@xyflow/react';
import type { NodeType } from '../../core/document';
import { NODE_TYPES } from '../../core/nodes';
import { RENDERER_KINDS } from '../kinds';
import type { FieldSpec } from '../kinds/kind';

export type { FieldSpec } from '../kinds/kind';

export interface EditorNodeType {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own typed props
  component: ComponentType<NodeProps<any>>;
  fields: readonly FieldSpec[];
  /** Extra words the search box matches besides the label and type ("fc", "linear", "sum"). */
  keywords: readonly string[];
}

export const EDITOR_NODE_TYPES: { readonly [T in NodeType]: EditorNodeType } = Object.fromEntries(
  (Object.keys(RENDERER_KINDS) as NodeType[]).map((type) => {
    const kind = RENDERER_KINDS[type];
    return [type, { component: kind.view, fields: kind.fields as readonly FieldSpec[], keywords: kind.keywords }];
  }),
) as { readonly [T in NodeType]: EditorNodeType };

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
