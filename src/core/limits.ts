/**
 * The limits of every number a user or a file sets, declared once. The file schema (schema.ts), the trainer protocol
 * (shared/protocol.ts), the toolbar, the inspector and the command line all read them from here, so they agree.
 *
 * `min`/`max` are inclusive unless `minExclusive`/`maxExclusive` says otherwise; `integer` means whole numbers.
 */
export interface Limit {
  min: number;
  max: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
  integer?: boolean;
  /** How the limit reads in a message: "a whole number from 1 to 100000". */
  words: string;
}

const limit = (l: Limit): Limit => l;

/** Units of a Dense layer (larger layers are refused when loading: a file must not make the app allocate without bound). */
export const UNITS = limit({ min: 1, max: 100_000, integer: true, words: 'a positive integer, at most 100000' });
/** Dropout rate. */
export const DROPOUT_RATE = limit({ min: 0, max: 1, maxExclusive: true, words: 'a number from 0 up to (not including) 1' });

/** The training setup's fields. */
export const SETUP_LIMITS = {
  learningRate: limit({ min: 0, max: Infinity, minExclusive: true, words: 'a number above 0' }),
  momentum: limit({ min: 0, max: 1, maxExclusive: true, words: 'a number from 0 up to (not including) 1' }),
  beta1: limit({ min: 0, max: 1, maxExclusive: true, words: 'a number from 0 up to (not including) 1' }),
  beta2: limit({ min: 0, max: 1, maxExclusive: true, words: 'a number from 0 up to (not including) 1' }),
  epsilon: limit({ min: 0, max: Infinity, minExclusive: true, words: 'a number above 0' }),
  batchSize: limit({ min: 1, max: 65_536, integer: true, words: 'a positive integer, at most 65536' }),
  epochs: limit({ min: 1, max: Infinity, integer: true, words: 'a positive integer' }),
  l1: limit({ min: 0, max: Infinity, words: 'a number of at least 0' }),
  l2: limit({ min: 0, max: Infinity, words: 'a number of at least 0' }),
  clipNorm: limit({ min: 0, max: Infinity, minExclusive: true, words: 'a number above 0' }),
} as const satisfies Record<string, Limit>;

export type SetupLimitKey = keyof typeof SETUP_LIMITS;

/** Whether `value` is within `l`. */
export function withinLimit(l: Limit, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (l.integer && !Number.isInteger(value)) return false;
  if (l.minExclusive ? value <= l.min : value < l.min) return false;
  if (l.maxExclusive ? value >= l.max : value > l.max) return false;
  return true;
}
