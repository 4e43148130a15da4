/**
 * What the palette offers, and the drag payload it puts on the canvas. The editor reads a drop with readPaletteDrop()
 * and creates the node; nothing else needs to know the MIME type.
 */
import type { LucideIcon } from 'lucide-react';
import { ArrowRightToLine, CircleDot, Combine, Layers, Plus, Sigma, Target, Waves } from 'lucide-react';
import type { NodeType } from '../../core/document';

export interface PaletteItem {
  type: NodeType;
  label: string;
  /** One line shown as the item's tooltip and description. */
  hint: string;
  icon: LucideIcon;
  group: 'Data' | 'Units & layers' | 'Combine' | 'Result';
}

export const PALETTE_ITEMS: readonly PaletteItem[] = [
  { type: 'input', label: 'Input', hint: 'A feature (or feature vector) of each example', icon: ArrowRightToLine, group: 'Data' },
  { type: 'neuron', label: 'Neuron', hint: 'One unit: weights, a bias and an activation', icon: CircleDot, group: 'Units & layers' },
  { type: 'dense', label: 'Dense', hint: 'A fully connected layer of units', icon: Layers, group: 'Units & layers' },
  { type: 'activation', label: 'Activation', hint: 'Applies a function such as ReLU or tanh', icon: Sigma, group: 'Units & layers' },
  { type: 'dropout', label: 'Dropout', hint: 'Randomly silences units while training', icon: Waves, group: 'Units & layers' },
  { type: 'add', label: 'Add', hint: 'Adds inputs of the same size', icon: Plus, group: 'Combine' },
  { type: 'concat', label: 'Concat', hint: 'Joins inputs end to end, in edge order', icon: Combine, group: 'Combine' },
  { type: 'output', label: 'Output', hint: "The network's prediction and its loss", icon: Target, group: 'Result' },
];

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
