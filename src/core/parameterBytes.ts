/**
 * How many bytes a network's parameters take when stored in a format: the one computation the status bar (through
 * the validation report) and quantization (quantize.ts) share.
 *
 *   fp32   every parameter 4 bytes
 *   fp16   each weight 2 bytes; everything else (biases, LayerNorm's gamma and beta, …) stays float32
 *   int8   each weight 1 byte, plus a 4-byte float32 scale and a 1-byte zero point per scale (one per weight matrix,
 *          or one per output unit); everything else stays float32
 *
 * A node's weight matrix is its incoming connections' weight blocks stacked (rows: the inputs, cols: its units).
 */
export interface WeightMatrix {
  rows: number;
  cols: number;
}

export type StoredFormat = { format: 'fp32' } | { format: 'fp16' } | { format: 'int8'; per: 'tensor' | 'unit' };

/** Bytes of a float32 scale plus its int8 zero point. */
export const INT8_SCALE_BYTES = 5;

export function parameterBytes(parameters: number, matrices: readonly WeightMatrix[], stored: StoredFormat): number {
  if (stored.format === 'fp32') return parameters * 4;
  let weights = 0;
  let scales = 0;
  for (const m of matrices) {
    weights += m.rows * m.cols;
    scales += stored.format === 'int8' ? (stored.per === 'unit' ? m.cols : 1) : 0;
  }
  const rest = (parameters - weights) * 4;
  return stored.format === 'fp16' ? weights * 2 + rest : weights + scales * INT8_SCALE_BYTES + rest;
}
