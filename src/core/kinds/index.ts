/**
 * The table of node kinds. Everything else derives from it: the document's node types, the file schema, the
 * palette's core entries, the parameter layout, the ONNX importer's operator table.
 * Adding a kind: write its module (src/core/kinds/<kind>.ts, see kind.ts for what it holds) and add one line here.
 * The order here is the palette's order within a group and the order of the schema's union.
 */
import { activation } from './activation';
import { add } from './add';
import { batchNorm } from './batchNorm';
import { concat } from './concat';
import { conv2d } from './conv2d';
import { dense } from './dense';
import { dropout } from './dropout';
import { flatten } from './flatten';
import { globalAveragePool } from './globalAveragePool';
import { input } from './input';
import { layerNorm } from './layerNorm';
import type { z } from 'zod';
import type { AnyKind, KindNode } from './kind';
import { neuron } from './neuron';
import { output } from './output';
import { averagePool2d, maxPool2d } from './pool';

export const KINDS = {
  input,
  neuron,
  dense,
  activation,
  dropout,
  layerNorm,
  conv2d,
  maxPool2d,
  averagePool2d,
  globalAveragePool,
  flatten,
  batchNorm,
  add,
  concat,
  output,
} as const;

export type NodeKind = keyof typeof KINDS;

/** The node of a kind, as the document holds it: id, type, name, position, then the kind's own fields. */
export type NodeOfKind<K extends NodeKind> = KindNode<K, z.infer<(typeof KINDS)[K]['props']>>;

export const KIND_LIST: readonly AnyKind[] = Object.values(KINDS) as AnyKind[];

export function isNodeKind(value: unknown): value is NodeKind {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(KINDS, value);
}

export function kindOf(type: string): AnyKind {
  return (KINDS as Record<string, AnyKind>)[type]!;
}
