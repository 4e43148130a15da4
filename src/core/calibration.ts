/**
 * Calibration: is a classifier's confidence worth what it says? A reliability diagram bins the test examples by the
 * confidence of their predicted class (the largest probability; for one sigmoid output, max(p, 1 − p)) and compares,
 * in each bin, the mean confidence with the fraction actually right. The expected calibration error (ECE) is the
 * mean gap, weighted by how many examples each bin holds:
 *
 *   ECE = Σ_b (n_b / n) · |accuracy_b − confidence_b|
 *
 * Bins are equal-width over [0, 1] (the lowest confidence a prediction can have is 1/classes, so the low bins of a
 * classifier stay empty); a confidence of exactly 1 falls in the top bin. Also kept: the examples the network gets
 * wrong with the highest confidence ("confidently wrong"), with their probabilities.
 *
 * `calibrate` is a pure function of probabilities and true classes; `evaluateCalibration` runs the core's forward
 * pass on a document's test split (the training split when there is none) and calls it. Outputs are read as
 * probabilities, as the losses read them (losses.ts): a value outside [0, 1] is clipped.
 */
import { loadDataset } from './data';
import type { NetworkDocument } from './document';
import { compileNetwork } from './network';

export const DEFAULT_CALIBRATION_BINS = 10;
export const DEFAULT_CONFIDENTLY_WRONG = 10;

export interface ReliabilityBin {
  /** The bin covers confidences in [lower, upper) (the top bin includes 1). */
  lower: number;
  upper: number;
  count: number;
  /** Mean confidence of the examples in the bin (null when it is empty). */
  confidence: number | null;
  /** Fraction of them predicted right (null when it is empty). */
  accuracy: number | null;
}

export interface ConfidentlyWrong {
  /** Row in the measured split. */
  row: number;
  truth: number;
  guess: number;
  /** The probability of the guessed class. */
  confidence: number;
  /** Every class's probability (binary: [1 − p, p]). */
  probabilities: number[];
}

export interface CalibrationReport {
  /** How many examples were measured. */
  n: number;
  classes: number;
  bins: ReliabilityBin[];
  /** Expected calibration error, 0 (perfect) to 1. */
  ece: number;
  accuracy: number;
  /** Mean confidence over all examples. */
  confidence: number;
  /** Wrong predictions, most confident first (ties: lower row first). */
  confidentlyWrong: ConfidentlyWrong[];
}

export interface CalibrationOptions {
  bins?: number;
  /** How many confidently wrong examples to keep. */
  wrong?: number;
}

const clip01 = (v: number) => (Number.isNaN(v) ? 0 : Math.min(1, Math.max(0, v)));

/**
 * The reliability diagram of `rows` predictions. `probabilities` is rows × width, row-major: width 1 is one sigmoid
 * output (the probability of class 1), width ≥ 2 one probability per class. `truths[r]` is row r's true class.
 */
export function calibrate(
  probabilities: ArrayLike<number>,
  width: number,
  truths: ArrayLike<number>,
  options: CalibrationOptions = {},
): CalibrationReport {
  const binCount = options.bins ?? DEFAULT_CALIBRATION_BINS;
  if (!Number.isInteger(binCount) || binCount < 1) throw new RangeError(`bins must be a whole number of at least 1, not ${binCount}`);
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`width must be a whole number of at least 1, not ${width}`);
  const keep = options.wrong ?? DEFAULT_CONFIDENTLY_WRONG;
  const n = truths.length;
  if (probabilities.length !== n * width) throw new RangeError(`expected ${n * width} probabilities for ${n} rows of ${width}, got ${probabilities.length}`);
  const classes = width === 1 ? 2 : width;
  const count = new Array<number>(binCount).fill(0);
  const confSum = new Array<number>(binCount).fill(0);
  const right = new Array<number>(binCount).fill(0);
  const wrong: ConfidentlyWrong[] = [];
  let correct = 0;
  let confTotal = 0;
  for (let r = 0; r < n; r++) {
    const probs: number[] = width === 1
      ? [1 - clip01(probabilities[r]!), clip01(probabilities[r]!)]
      : Array.from({ length: width }, (_, j) => clip01(probabilities[r * width + j]!));
    // As training counts it (train.ts): one sigmoid output guesses 1 at p ≥ 0.5; otherwise the first largest.
    let guess = width === 1 && probs[1]! >= 0.5 ? 1 : 0;
    for (let j = 1; j < probs.length; j++) if (probs[j]! > probs[guess]!) guess = j;
    const confidence = probs[guess]!;
    const truth = truths[r]!;
    const b = Math.min(binCount - 1, Math.floor(confidence * binCount));
    count[b]!++;
    confSum[b]! += confidence;
    confTotal += confidence;
    if (guess === truth) {
      right[b]!++;
      correct++;
    } else {
      wrong.push({ row: r, truth, guess, confidence, probabilities: probs });
    }
  }
  wrong.sort((a, b) => b.confidence - a.confidence || a.row - b.row);
  const bins: ReliabilityBin[] = count.map((c, b) => ({
    lower: b / binCount,
    upper: (b + 1) / binCount,
    count: c,
    confidence: c > 0 ? confSum[b]! / c : null,
    accuracy: c > 0 ? right[b]! / c : null,
  }));
  let ece = 0;
  for (const bin of bins) if (bin.count > 0) ece += (bin.count / n) * Math.abs(bin.accuracy! - bin.confidence!);
  return {
    n, classes, bins, ece,
    accuracy: n > 0 ? correct / n : 0,
    confidence: n > 0 ? confTotal / n : 0,
    confidentlyWrong: wrong.slice(0, keep),
  };
}

export type CalibrationResult =
  | { ok: true; report: CalibrationReport; split: 'test' | 'train'; classNames: string[] }
  | { ok: false; message: string };

/**
 * The reliability diagram of a classifier on its test split (the training split when there is none), through the
 * core's forward pass with `params` (e.g. a trained snapshot's) or the document's weights. Never throws.
 */
export function evaluateCalibration(doc: NetworkDocument, options: CalibrationOptions = {}, params?: Float32Array): CalibrationResult {
  try {
    if (doc.data.kind === 'none') return { ok: false, message: 'Choose a data set first: calibration is measured on its test split.' };
    const made = loadDataset(doc.data);
    if (!made.ok) return { ok: false, message: `The data could not be loaded: ${made.message}` };
    const { dataset } = made;
    if (dataset.task === 'regression') return { ok: false, message: 'Calibration is for classifiers: this network predicts numbers (regression).' };
    const compiled = compileNetwork(doc, { featureNames: dataset.featureNames, targetNames: dataset.targetNames });
    if (!compiled.ok) return { ok: false, message: `Cannot measure calibration: ${compiled.problems[0]!.message}` };
    const net = compiled.net;
    if (params) net.setParams(params);
    const split = dataset.test.n > 0 ? dataset.test : dataset.train;
    if (split.n === 0) return { ok: false, message: 'The data set has no rows to measure.' };
    const binary = dataset.task === 'binary';
    const k = net.outputSize;
    const width = binary ? 1 : k;
    const inW = net.inputSize;
    const outW = net.targetNames.length;
    const cols = net.targetColumns;
    const probs = new Float32Array(split.n * width);
    const truths = new Int32Array(split.n);
    const CHUNK = 256;
    for (let r0 = 0; r0 < split.n; r0 += CHUNK) {
      const rows = Math.min(CHUNK, split.n - r0);
      const p = net.forward(split.x.subarray(r0 * inW, (r0 + rows) * inW), rows);
      const y = split.y.subarray(r0 * outW, (r0 + rows) * outW);
      for (let r = 0; r < rows; r++) {
        if (binary) {
          probs[r0 + r] = p[r * k]!;
          truths[r0 + r] = y[r * outW + cols[0]!]! >= 0.5 ? 1 : 0;
        } else {
          let truth = 0;
          for (let j = 0; j < k; j++) {
            probs[(r0 + r) * k + j] = p[r * k + j]!;
            if (y[r * outW + cols[j]!]! > y[r * outW + cols[truth]!]!) truth = j;
          }
          truths[r0 + r] = truth;
        }
      }
    }
    const classNames = binary ? ['0', '1'] : Array.from({ length: k }, (_, j) => dataset.targetNames[cols[j]!] ?? String(j));
    return { ok: true, report: calibrate(probs, width, truths, options), split: dataset.test.n > 0 ? 'test' : 'train', classNames };
  } catch (error) {
    return { ok: false, message: `Cannot measure calibration: ${error instanceof Error ? error.message : String(error)}` };
  }
}
