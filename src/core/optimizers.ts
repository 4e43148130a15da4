/**
 * Optimisers over the one flat parameter array. Each keeps its state in Float32Arrays of the same length and
 * updates in place, with no allocation per step.
 *
 * Before the update, `step` turns the data gradient into the full gradient:
 * - Regularisation applies to WEIGHTS only, never to biases (a bias shifts a unit, it does not scale an input, and
 *   penalising it only biases the fit): penalty = l1·Σ|w| + l2·Σw², so grad += l1·sign(w) + 2·l2·w (Keras' convention).
 * - Optional global-norm clipping: if ‖g‖₂ > clipNorm, every gradient is scaled by clipNorm / ‖g‖₂.
 * The update rules follow TF.js exactly (so the cross-check agrees):
 * - sgd:      w −= lr·g
 * - momentum: v = μ·v + g;  w −= lr·v                (Nesterov: w −= lr·(g + μ·v))
 * - adam:     m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  w −= lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε)
 * The learning rate is read at every step, so it can change between steps.
 */
import type { OptimizerName, TrainingSetup } from './document';

export interface OptimizerSettings {
  kind: OptimizerName;
  learningRate: number;
  momentum: number;
  nesterov: boolean;
  beta1: number;
  beta2: number;
  epsilon: number;
  l1: number;
  l2: number;
  /** Global gradient-norm limit; undefined or ≤ 0: no clipping. */
  clipNorm?: number;
}

export interface Optimizer {
  readonly settings: OptimizerSettings;
  /** Number of updates made so far (Adam's t). */
  readonly steps: number;
  setLearningRate(lr: number): void;
  /** Change hyper-parameters of the same kind between steps (learning rate, momentum, betas, ε, l1, l2, clipNorm). */
  configure(changes: Partial<Omit<OptimizerSettings, 'kind'>>): void;
  /**
   * Apply regularisation and clipping to `grads` (in place), then update `params`.
   * Returns false if any updated parameter is NaN or ±Infinity (checked in the same pass, at no extra sweep).
   */
  step(params: Float32Array, grads: Float32Array): boolean;
  /** Forget the accumulated state (moments, velocity, t). */
  reset(): void;
  /** Copy of the state, to restore after a diverged step. */
  saveState(into?: OptimizerState): OptimizerState;
  restoreState(state: OptimizerState): void;
}

export interface OptimizerState {
  steps: number;
  accBeta1: number;
  accBeta2: number;
  slots: Float32Array[];
}

export function optimizerSettings(setup: TrainingSetup): OptimizerSettings {
  return {
    kind: setup.optimizer,
    learningRate: setup.learningRate,
    momentum: setup.momentum,
    nesterov: setup.nesterov,
    beta1: setup.beta1,
    beta2: setup.beta2,
    epsilon: setup.epsilon,
    l1: setup.l1,
    l2: setup.l2,
    clipNorm: setup.clipNorm,
  };
}

/**
 * @param size number of parameters
 * @param isWeight 1 where the parameter is a weight (regularised), 0 for a bias
 */
export function createOptimizer(settings: OptimizerSettings, size: number, isWeight: Uint8Array): Optimizer {
  const s: OptimizerSettings = { ...settings };
  const slotCount = s.kind === 'adam' ? 2 : s.kind === 'momentum' ? 1 : 0;
  const slots: Float32Array[] = [];
  for (let k = 0; k < slotCount; k++) slots.push(new Float32Array(size));
  let t = 0;
  // Adam's running β powers, kept in float64 like TF.js keeps accBeta.
  let accBeta1 = 1;
  let accBeta2 = 1;

  const regularizeAndClip = (params: Float32Array, grads: Float32Array): void => {
    const { l1, l2 } = s;
    if (l1 !== 0 || l2 !== 0) {
      const twoL2 = 2 * l2;
      for (let i = 0; i < size; i++) {
        if (isWeight[i] === 0) continue;
        const w = params[i];
        grads[i] += l1 * (w > 0 ? 1 : w < 0 ? -1 : 0) + twoL2 * w;
      }
    }
    const clip = s.clipNorm;
    if (clip !== undefined && clip > 0) {
      let sq = 0;
      for (let i = 0; i < size; i++) sq += grads[i] * grads[i];
      const norm = Math.sqrt(sq);
      if (norm > clip) {
        const scale = clip / norm;
        for (let i = 0; i < size; i++) grads[i] *= scale;
      }
    }
  };

  const opt: Optimizer = {
    get settings() {
      return s;
    },
    get steps() {
      return t;
    },
    setLearningRate(lr) {
      s.learningRate = lr;
    },
    configure(changes) {
      Object.assign(s, changes, { kind: s.kind });
    },
    step(params, grads) {
      regularizeAndClip(params, grads);
      t++;
      const lr = s.learningRate;
      // x·0 is 0 for every finite x and NaN otherwise, so `check` stays 0 exactly when every stored value is finite.
      let check = 0;
      if (s.kind === 'sgd') {
        for (let i = 0; i < size; i++) {
          params[i] -= lr * grads[i];
          check += params[i] * 0;
        }
      } else if (s.kind === 'momentum') {
        const v = slots[0];
        const mu = s.momentum;
        if (s.nesterov) {
          for (let i = 0; i < size; i++) {
            const vi = mu * v[i] + grads[i];
            v[i] = vi;
            params[i] -= lr * (grads[i] + mu * vi);
            check += params[i] * 0;
          }
        } else {
          for (let i = 0; i < size; i++) {
            const vi = mu * v[i] + grads[i];
            v[i] = vi;
            params[i] -= lr * vi;
            check += params[i] * 0;
          }
        }
      } else {
        const m = slots[0];
        const v = slots[1];
        const { beta1, beta2, epsilon } = s;
        accBeta1 *= beta1;
        accBeta2 *= beta2;
        const c1 = 1 - accBeta1;
        const c2 = 1 - accBeta2;
        for (let i = 0; i < size; i++) {
          const g = grads[i];
          const mi = beta1 * m[i] + (1 - beta1) * g;
          const vi = beta2 * v[i] + (1 - beta2) * g * g;
          m[i] = mi;
          v[i] = vi;
          params[i] -= (lr * (mi / c1)) / (Math.sqrt(vi / c2) + epsilon);
          check += params[i] * 0;
        }
      }
      return check === 0;
    },
    reset() {
      t = 0;
      accBeta1 = 1;
      accBeta2 = 1;
      for (const slot of slots) slot.fill(0);
    },
    saveState(into) {
      if (into && into.slots.length === slots.length) {
        into.steps = t;
        into.accBeta1 = accBeta1;
        into.accBeta2 = accBeta2;
        for (let k = 0; k < slots.length; k++) into.slots[k].set(slots[k]);
        return into;
      }
      return { steps: t, accBeta1, accBeta2, slots: slots.map((slot) => slot.slice()) };
    },
    restoreState(state) {
      t = state.steps;
      accBeta1 = state.accBeta1;
      accBeta2 = state.accBeta2;
      for (let k = 0; k < slots.length; k++) slots[k].set(state.slots[k]);
    },
  };
  return opt;
}

/** The learning rate of an epoch under a schedule: constant, or ×factor every `everyEpochs` epochs. */
export function scheduledLearningRate(setup: Pick<TrainingSetup, 'learningRate' | 'schedule'>, epoch: number): number {
  const { schedule } = setup;
  if (schedule.kind === 'stepDecay') {
    const every = schedule.everyEpochs ?? 0;
    const factor = schedule.factor ?? 1;
    if (every > 0) return setup.learningRate * Math.pow(factor, Math.floor(epoch / every));
  }
  return setup.learningRate;
}
