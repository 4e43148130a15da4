/**
 * The renderer's table of node kinds: one module per kind, one line each here. `satisfies` over every core kind
 * (src/core/kinds) makes a kind without its view, fields, icon, palette group or keywords a compile error.
 */
import type { NodeKind } from '../../core/kinds';
import { activation } from './activation';
import { add } from './add';
import { conv2d } from './conv2d';
import { averagePool2d, maxPool2d } from './pool';
import { batchNorm, flatten, globalAveragePool } from './simpleImage';
import { concat } from './concat';
import { dense } from './dense';
import { dropout } from './dropout';
import { input } from './input';
import type { RendererKind } from './kind';
import { layerNorm } from './layerNorm';
import { neuron } from './neuron';
import { output } from './output';

export const RENDERER_KINDS = {
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
} satisfies { [K in NodeKind]: RendererKind<K> };

/** The renderer module of a kind (typed loosely, for code that handles every kind alike). */
export function rendererKind<K extends NodeKind>(type: K): RendererKind<K> {
  return RENDERER_KINDS[type] as unknown as RendererKind<K>;
}
