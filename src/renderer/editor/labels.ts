import type { ActivationName, InitializerName, LossName } from '../../core/document';

/** How the names saved in files read on screen. */
export const ACTIVATION_LABELS: Record<ActivationName, string> = {
  linear: 'linear', relu: 'ReLU', leakyRelu: 'leaky ReLU', elu: 'ELU', sigmoid: 'sigmoid', tanh: 'tanh', gelu: 'GELU',
  sine: 'sine', softmax: 'softmax',
};

/** Short glyphs for the activation shown inside a neuron. */
export const ACTIVATION_GLYPHS: Record<ActivationName, string> = {
  linear: 'lin', relu: 'ReLU', leakyRelu: 'lReLU', elu: 'ELU', sigmoid: 'σ', tanh: 'tanh', gelu: 'GELU', sine: 'sin', softmax: 'soft',
};

export const LOSS_LABELS: Record<LossName, string> = {
  mse: 'mean squared error', binaryCrossEntropy: 'binary cross-entropy', softmaxCrossEntropy: 'softmax cross-entropy',
};

export const INITIALIZER_LABELS: Record<InitializerName, string> = {
  glorotUniform: 'Glorot uniform', glorotNormal: 'Glorot normal', he: 'He normal', zeros: 'zeros', constant: 'constant',
  document: 'weights in the document',
};

/** Short loss names for the node on the canvas. */
export const LOSS_SHORT: Record<LossName, string> = { mse: 'MSE', binaryCrossEntropy: 'binary CE', softmaxCrossEntropy: 'softmax CE' };
