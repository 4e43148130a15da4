/**
 * A data set as the core trains on it: row-major Float32Array features and targets, split into train and test.
 * Every producer (built-in 2-D sets, tabular sets, CSV import) returns this shape.
 */
export type Task = 'binary' | 'multiclass' | 'regression';

export interface DataSplit {
  /** Number of rows. */
  n: number;
  /** n × featureNames.length, row-major. */
  x: Float32Array;
  /**
   * n × targetNames.length, row-major. Binary: one column of 0/1. Multiclass: one-hot, one column per class.
   * Regression: one column per target (standardised if the producer says so in `targetScale`).
   */
  y: Float32Array;
}

export interface Dataset {
  /** What it is, for display: "Spiral (noise 0.1, seed 1)". */
  name: string;
  task: Task;
  featureNames: string[];
  /** Binary: one name; multiclass: one per class (the class labels); regression: the target column(s). */
  targetNames: string[];
  train: DataSplit;
  test: DataSplit;
  /** For regression targets that were standardised: value = y·std + mean. */
  targetScale?: { mean: number[]; std: number[] };
}
