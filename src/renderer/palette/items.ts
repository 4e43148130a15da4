/**
 * What the palette offers, and the drag payload it puts on the canvas. The editor reads a drop with readPaletteDrop()
 * and creates the node; nothing else needs to know the MIME type.
 */
import type { LucideIcon } from 'lucide-react';
import type { NodeType } from '../../core/document';
import { NODE_TYPES } from '../../core/nodes';
import { RENDERER_KINDS } from '../kinds';
import { PALETTE_GROUPS as GROUPS, type PaletteGroup } from '../kinds/kind';

export interface PaletteItem {
  type: NodeType;
  /** The node type's name, from the core's kind module. */
  label: string;
  /** One sentence a learner understands, from the core's kind module; the item's tooltip. */
  hint: string;
  icon: LucideIcon;
  group: PaletteGroup;
}

/** How each kind looks and where it sits comes from its renderer module; what it is from its core module. */
export const PALETTE_ITEMS: readonly PaletteItem[] = (Object.keys(RENDERER_KINDS) as NodeType[]).map((type) => ({
  type,
  icon: RENDERER_KINDS[type].icon,
  group: RENDERER_KINDS[type].group,
  label: NODE_TYPES[type].label,
  hint: NODE_TYPES[type].description,
}));

/** The groups that hold at least one kind, in their fixed order. */
export const PALETTE_GROUPS: readonly PaletteGroup[] = GROUPS.filter((g) => PALETTE_ITEMS.some((item) => item.group === g));

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
