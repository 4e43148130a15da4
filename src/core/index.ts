// Public API of the core. One `export *` line per module, so several engineers can add theirs without conflicts.
export * from './activations';
export * from './kernels';
export * from './losses';
export * from './network';
export * from './optimizers';
export * from './train';
export * from './explain';
export * from './diagnostics';
export * from './explainConv';
