/**
 * What the renderer knows about a node kind, one module per kind (src/renderer/kinds/<kind>.tsx), listed once in the
 * table src/renderer/kinds/index.ts, which `satisfies` a record over every core kind: a kind without its view, its
 * inspector fields, icon, palette group and search words does not compile. What the kind IS (label, description,
 * fields' schema, shapes, maths) comes from the core's module (src/core/kinds/<kind>.ts).
 */
import type { ComponentType } from 'react';
import type { NodeProps } from '@xyflow/react';
import type { LucideIcon } from 'lucide-react';
import type { NodeOf } from '../../core/document';
import type { NodeKind } from '../../core/kinds';
import type { FlowNodeOf } from '../editor/types';

/** An inspector field of a kind, keyed by one of its node's fields (a typo in `key` is a type error). */
export type FieldSpec<N = Record<string, unknown>> =
  | { key: 'name'; label: string; kind: 'text' }
  | { key: Extract<keyof N, string>; label: string; kind: 'number'; step: number; min?: number; max?: number; hint?: string }
  | { key: Extract<keyof N, string>; label: string; kind: 'integer'; min: number; max: number; hint?: string }
  | { key: Extract<keyof N, string>; label: string; kind: 'activation' }
  | { key: Extract<keyof N, string>; label: string; kind: 'loss' }
  | { key: Extract<keyof N, string>; label: string; kind: 'boolean'; hint?: string }
  | { key: Extract<keyof N, string>; label: string; kind: 'names'; hint: string }
  /** Whole numbers typed as "3×3" or "28, 28, 1": exactly `count` of them, or 1–3 (and empty for none) without. */
  | { key: Extract<keyof N, string>; label: string; kind: 'dims'; count?: number; optional?: boolean; hint?: string }
  | { key: Extract<keyof N, string>; label: string; kind: 'choice'; options: readonly { value: string; label: string }[] };

export const PALETTE_GROUPS = ['Data', 'Units & layers', 'Images', 'Normalisation', 'Combine', 'Result'] as const;
export type PaletteGroup = (typeof PALETTE_GROUPS)[number];

export interface RendererKind<K extends NodeKind> {
  /** How a node of the kind is drawn on the canvas (wrapped in `memo`). */
  view: ComponentType<NodeProps<FlowNodeOf<K>>>;
  /** The fields the inspector edits, in order. */
  fields: readonly FieldSpec<NodeOf<K>>[];
  icon: LucideIcon;
  group: PaletteGroup;
  /** Extra words the search box matches besides the label and type ("fc", "linear", "sum"). */
  keywords: readonly string[];
  /** One line saying what a node is, for the graph image: "8 units · relu". */
  detail(node: NodeOf<K>): string;
  /** Extra inspector sections below its fields (an Input's example values, a Dense layer's Expand button). */
  Inspector?: ComponentType<{ node: NodeOf<K> }>;
  /** The inspector shows the node's values on the example (everything but an Input, which shows its example). */
  showsValues: boolean;
}

export const NAME_FIELD = { key: 'name', label: 'Name', kind: 'text' } as const;
