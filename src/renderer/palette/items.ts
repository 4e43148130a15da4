/**
 * What the palette offers, and the drag payload it puts on the canvas. The editor reads a drop with readPaletteDrop()
 * and creates the node; nothing else needs to know the MIME type.
 */
import type { LucideIcon } from 'lucide-react';
import { ArrowRightToLine, CircleDot, Combine, Layers, Plus, Sigma, Target, Waves } from 'lucide-react';
import type { NodeType } from '../../core/document';
import { NODE_TYPES } from '../../core/nodes';

export interface PaletteItem {
  type: NodeType;
  /** The node type's name, from the core registry (src/core/nodes.ts). */
  label: string;
  /** One sentence a learner understands, from the core registry; the item's tooltip. */
  hint: string;
  icon: LucideIcon;
  group: 'Data' | 'Units & layers' | 'Combine' | 'Result';
}

/** Only how each type looks and where it sits here; what it is comes from the core's node-type registry. */
const LOOKS: readonly Pick<PaletteItem, 'type' | 'icon' | 'group'>[] = [
  { type: 'input', icon: ArrowRightToLine, group: 'Data' },
  { type: 'neuron', icon: CircleDot, group: 'Units & layers' },
  { type: 'dense', icon: Layers, group: 'Units & layers' },
  { type: 'activation', icon: Sigma, group: 'Units & layers' },
  { type: 'dropout', icon: Waves, group: 'Units & layers' },
  { type: 'add', icon: Plus, group: 'Combine' },
  { type: 'concat', icon: Combine, group: 'Combine' },
  { type: 'output', icon: Target, group: 'Result' },
];

export const PALETTE_ITEMS: readonly PaletteItem[] = LOOKS.map((look) => ({
  ...look,
  label: NODE_TYPES[look.type].label,
  hint: NODE_TYPES[look.type].description,
}));

export const PALETTE_GROUPS: readonly PaletteItem['group'][] = ['Data', 'Units & layers', 'Combine', 'Result'];

/** The drag data type of a palette item; its value is the node type. */
export const PALETTE_DRAG_MIME = 'application/x-netwright-node-type';

export function writePaletteDrag(dataTransfer: DataTransfer, type: NodeType): void {
  dataTransfer.setData(PALETTE_DRAG_MIME, type);
  dataTransfer.setData('text/plain', type);
  dataTransfer.effectAllowed = 'copy';
}

/** True while a palette item is dragged over (types are readable during dragover, values are not). */
export function isPaletteDrag(dataTransfer: DataTransfer | null): boolean {
  return !!dataTransfer && Array.from(dataTransfer.types).includes(PALETTE_DRAG_MIME);
}

/** The node type carried by a drop, or null when the drop is not a palette item. */
export function readPaletteDrop(dataTransfer: DataTransfer | null): NodeType | null {
  const value = dataTransfer?.getData(PALETTE_DRAG_MIME);
  return PALETTE_ITEMS.find((item) => item.type === value)?.type ?? null;
}
