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
import type { TrainingSetup } from './document';

/** The state an update rule reads and writes: its moment buffers (`slots`) and Adam's running β powers. */
interface RuleState {
  slots: Float32Array[];
  /** Adam's running β powers, kept in float64 like TF.js keeps accBeta. */
  accBeta1: number;
  accBeta2: number;
}

/**
 * An update rule: how many moment buffers it keeps, and one step over every parameter. Returns the finiteness check
 * (0 exactly when every updated parameter is finite: x·0 is 0 for finite x and NaN otherwise).
 */
export interface OptimizerRule {
  /** Shown in the toolbar. */
  label: string;
  slots: number;
  update(params: Float32Array, grads: Float32Array, size: number, s: OptimizerSettings, state: RuleState): number;
}

/**
 * The optimisers, by the names saved in files. A new optimiser is one entry here; a name not in this table is refused
 * (the file was made by a newer Netwright), never quietly run as another.
 */
export const OPTIMIZERS = {
  /** w −= lr·g */
  sgd: {
    label: 'SGD',
    slots: 0,
    update(params, grads, size, s) {
      const lr = s.learningRate;
      let check = 0;
      for (let i = 0; i < size; i++) {
        params[i] -= lr * grads[i];
        check += params[i] * 0;
      }
      return check;
    },
  },
  /** v = μ·v + g;  w −= lr·v   (Nesterov: w −= lr·(g + μ·v)) */
  momentum: {
    label: 'Momentum',
    slots: 1,
    update(params, grads, size, s, state) {
      const lr = s.learningRate;
      const v = state.slots[0];
      const mu = s.momentum;
      let check = 0;
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
      return check;
    },
  },
  /** m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  w −= lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε) */
  adam: {
    label: 'Adam',
    slots: 2,
    update(params, grads, size, s, state) {
      const lr = s.learningRate;
      const m = state.slots[0];
      const v = state.slots[1];
      const { beta1, beta2, epsilon } = s;
      state.accBeta1 *= beta1;
      state.accBeta2 *= beta2;
      const c1 = 1 - state.accBeta1;
      const c2 = 1 - state.accBeta2;
      let check = 0;
      for (let i = 0; i < size; i++) {
        const g = grads[i];
        const mi = beta1 * m[i] + (1 - beta1) * g;
        const vi = beta2 * v[i] + (1 - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        params[i] -= (lr * (mi / c1)) / (Math.sqrt(vi / c2) + epsilon);
        check += params[i] * 0;
      }
      return check;
    },
  },
} as const satisfies Record<string, OptimizerRule>;

export type OptimizerName = keyof typeof OPTIMIZERS;
/** The optimiser names saved in files, in the toolbar's order. */
export const OPTIMIZER_NAMES = Object.keys(OPTIMIZERS) as [OptimizerName, ...OptimizerName[]];

/**
 * Regularisers of the weights (never biases or normalisation scales: `isWeight` marks what is regularised), by the
 * setup field that sets their strength. A new one is one entry here (and its field in the setup).
 */
export const REGULARIZERS = {
  /** penalty l1·Σ|w|: grad += l1·sign(w) */
  l1: (params: Float32Array, grads: Float32Array, isWeight: Uint8Array, size: number, strength: number) => {
    for (let i = 0; i < size; i++) {
      if (isWeight[i] === 0) continue;
      const w = params[i];
      grads[i] += strength * (w > 0 ? 1 : w < 0 ? -1 : 0);
    }
  },
  /** penalty l2·Σw²: grad += 2·l2·w (Keras' convention) */
  l2: (params: Float32Array, grads: Float32Array, isWeight: Uint8Array, size: number, strength: number) => {
    const twoL2 = 2 * strength;
    for (let i = 0; i < size; i++) if (isWeight[i] !== 0) grads[i] += twoL2 * params[i];
  },
} as const;

/** Whether `name` is an optimiser this build knows. */
export function isOptimizerName(name: unknown): name is OptimizerName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(OPTIMIZERS, name);
}

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
  if (!isOptimizerName(s.kind)) throw new RangeError(`Unknown optimizer "${String(s.kind)}": this Netwright knows ${OPTIMIZER_NAMES.join(', ')}.`);
  const rule: OptimizerRule = OPTIMIZERS[s.kind];
  const state: RuleState = { slots: [], accBeta1: 1, accBeta2: 1 };
  for (let k = 0; k < rule.slots; k++) state.slots.push(new Float32Array(size));
  const slots = state.slots;
  let t = 0;

  const regularizeAndClip = (params: Float32Array, grads: Float32Array): void => {
    if (s.l1 !== 0) REGULARIZERS.l1(params, grads, isWeight, size, s.l1);
    if (s.l2 !== 0) REGULARIZERS.l2(params, grads, isWeight, size, s.l2);
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
      return rule.update(params, grads, size, s, state) === 0;
    },
    reset() {
      t = 0;
      state.accBeta1 = 1;
      state.accBeta2 = 1;
      for (const slot of slots) slot.fill(0);
    },
    saveState(into) {
      if (into && into.slots.length === slots.length) {
        into.steps = t;
        into.accBeta1 = state.accBeta1;
        into.accBeta2 = state.accBeta2;
        for (let k = 0; k < slots.length; k++) into.slots[k].set(slots[k]);
        return into;
      }
      return { steps: t, accBeta1: state.accBeta1, accBeta2: state.accBeta2, slots: slots.map((slot) => slot.slice()) };
    },
    restoreState(saved) {
      t = saved.steps;
      state.accBeta1 = saved.accBeta1;
      state.accBeta2 = saved.accBeta2;
      for (let k = 0; k < slots.length; k++) slots[k].set(saved.slots[k]);
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
