/**
 * Explain mode for a convolution: one output pixel of a Conv2D, number by number, on one example.
 *
 *   z[row, col, f] = Σ_ch Σ_{ky,kx} x[row·sh + ky − top, col·sw + kx − left, ch] · K[ky, kx, ch, f] + b[f],   a = act(z)
 *
 * The input patch and the kernel come out as small kh×kw grids, one pair per input channel, with each channel's
 * partial sum; padded cells (outside the image, padding 'same') are zeros and marked. The sum is recomputed here from
 * the core's own float32 values (the input node's output on the example, the kernel and bias in the parameters), and
 * the core's forward value of z and a at that pixel comes with it, so a reader (and a test) sees they agree.
 */
import type { NetworkNode } from './document';
import { asImage, geometry, windowOf } from './kinds/image';
import type { Network } from './network';

export interface ConvPixel {
  /** Output row and column of the feature map, and the filter (output channel). */
  row: number;
  col: number;
  filter: number;
}

export interface ConvChannelTerms {
  channel: number;
  /** The input values under the kernel, kh×kw row-major (0 where the window hangs over the edge). */
  patch: number[];
  /** The kernel's weights for this input channel and the filter, kh×kw row-major. */
  weights: number[];
  /** Σ patch · weights over this channel. */
  sum: number;
}

export interface ConvPixelExplanation extends ConvPixel {
  nodeId: string;
  /** The node feeding the convolution. */
  sourceId: string;
  inputShape: [number, number, number];
  outputShape: [number, number, number];
  kernelSize: [number, number];
  strides: [number, number];
  /** The input row and column of the window's top-left cell (negative when padding 'same' pads above or left). */
  origin: [number, number];
  /** kh×kw row-major: true where the cell lies outside the input (a padded zero). */
  padded: boolean[];
  channels: ConvChannelTerms[];
  /** Σ over every channel of Σ w·x. */
  sum: number;
  /** The filter's bias; null without one (useBias off). */
  bias: number | null;
  /** sum + bias, computed here in float64 from the float32 values. */
  z: number;
  /** The core's forward value of z at this pixel (float32). */
  forwardZ: number;
  activation: string;
  /** The core's forward value of a = act(z) at this pixel. */
  a: number;
}

export type ConvExplainResult = { ok: true; value: ConvPixelExplanation } | { ok: false; message: string };

/** Explain one output pixel of the Conv2D `nodeId` on the example `x` (one input row). Never throws for bad input. */
export function explainConvPixel(net: Network, x: ArrayLike<number>, nodeId: string, at: ConvPixel): ConvExplainResult {
  const node: NetworkNode | undefined = net.analysis.nodesById[nodeId];
  if (!node || node.type !== 'conv2d') return { ok: false, message: `There is no Conv2D "${nodeId}" in the network.` };
  const name = node.name || node.id;
  const incoming = net.analysis.incoming[nodeId] ?? [];
  const source = incoming[0]?.source;
  const input = asImage(source === undefined ? undefined : net.analysis.shapes[source]);
  const output = asImage(net.analysis.shapes[nodeId]);
  const kernelBlock = net.layout.nodes[nodeId]?.kernel;
  if (source === undefined || !input || !output || !kernelBlock) return { ok: false, message: `"${name}" has no image input to explain.` };
  const win = windowOf(node, 'kernel');
  const g = typeof win === 'string' ? win : geometry(input, win, 'kernel');
  if (typeof g === 'string') return { ok: false, message: `"${name}": ${g}.` };
  const [oh, ow, filters] = output;
  const whole = (v: number) => Number.isInteger(v);
  if (!whole(at.row) || at.row < 0 || at.row >= oh) return { ok: false, message: `Row ${at.row} is outside "${name}"'s ${oh} rows (0 to ${oh - 1}).` };
  if (!whole(at.col) || at.col < 0 || at.col >= ow) return { ok: false, message: `Column ${at.col} is outside "${name}"'s ${ow} columns (0 to ${ow - 1}).` };
  if (!whole(at.filter) || at.filter < 0 || at.filter >= filters) return { ok: false, message: `Filter ${at.filter} is outside "${name}"'s ${filters} filters (0 to ${filters - 1}).` };
  if (x.length !== net.inputSize) return { ok: false, message: `The example has ${x.length} values; the network reads ${net.inputSize}.` };
  if (!Array.prototype.every.call(x, (v: number) => Number.isFinite(v))) return { ok: false, message: 'The example has a value that is not a finite number.' };

  const trace = net.trace(Float32Array.from(x));
  const xs = trace[source]!.a;
  const own = trace[nodeId]!;
  const { h, w, c, kh, kw, sh, sw, top, left } = g;
  const oy = at.row * sh - top;
  const ox = at.col * sw - left;
  const params = net.params;
  const k0 = kernelBlock.offset;
  const padded: boolean[] = [];
  for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
    const iy = oy + ky;
    const ix = ox + kx;
    padded.push(iy < 0 || iy >= h || ix < 0 || ix >= w);
  }
  const channels: ConvChannelTerms[] = [];
  let total = 0;
  for (let ch = 0; ch < c; ch++) {
    const patch: number[] = [];
    const weights: number[] = [];
    let sum = 0;
    for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
      const iy = oy + ky;
      const ix = ox + kx;
      const v = iy < 0 || iy >= h || ix < 0 || ix >= w ? 0 : xs[(iy * w + ix) * c + ch]!;
      /** K[ky, kx, ch, f] of the kernel [kh, kw, c, filters], row-major */
      const wt = params[k0 + ((ky * kw + kx) * c + ch) * filters + at.filter]!;
      patch.push(v);
      weights.push(wt);
      sum += v * wt;
    }
    channels.push({ channel: ch, patch, weights, sum });
    total += sum;
  }
  const biasBlock = net.layout.nodes[nodeId]?.bias;
  const bias = biasBlock ? params[biasBlock.offset + at.filter]! : null;
  const index = (at.row * ow + at.col) * filters + at.filter;
  return {
    ok: true,
    value: {
      ...at, nodeId, sourceId: source, inputShape: input, outputShape: output, kernelSize: [kh, kw], strides: [sh, sw],
      origin: [oy, ox], padded, channels, sum: total, bias, z: total + (bias ?? 0),
      forwardZ: (own.z ?? own.a)[index]!, activation: node.activation, a: own.a[index]!,
    },
  };
}
