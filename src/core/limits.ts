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

/**
 * How large a network Netwright opens: the editor analyses the whole graph on each change and draws what is in view
 * (a large document opens at a readable zoom from estimated node sizes, so only the nodes in view are drawn).
 * `npm run bench:open` measures opening a document at both limits in the browser build: 5.0 s at 1,000 nodes and
 * 2,000 connections on a 2-core machine at load average 20 (13.6–16.8 s before drawing only what is in view);
 * 5,000 connections took 14.4 s there, so the connection limit stays at 2,000 (an expanded Dense(64) → Dense(64) does
 * not fit: keep such layers as Dense). Loading, saving, the CLI and the editor's own edits all read these.
 */
export const MAX_NODES = 1_000;
export const MAX_EDGES = 2_000;

const figure = (n: number) => n.toLocaleString('en-US');

/**
 * The most parameters (weights, biases, any stored number of a node or connection) a .netwright file holds. A float32
 * weight takes up to 27 characters in a file ("-0.0000012345678901234567, ": 17 digits, as a double) and the app opens
 * and saves files of at most 256 MB, so beyond this a network could not be saved, or not opened again once saved
 * (8,000,000 × 27 = 216 MB, leaving room for the rest). Saving and ONNX import refuse larger networks with this figure.
 */
export const MAX_FILE_PARAMETERS = 8_000_000;

/** Why a network of this many stored numbers cannot be saved, or undefined. */
export function fileParametersProblem(count: number): string | undefined {
  if (count <= MAX_FILE_PARAMETERS) return undefined;
  return `this network has ${figure(count)} weights and biases; a Netwright file holds at most ${figure(MAX_FILE_PARAMETERS)} (files are at most 256 MB). Make the network smaller.`;
}

const limits = `Netwright opens networks of at most ${figure(MAX_NODES)} nodes and ${figure(MAX_EDGES)} connections`;

/** Why a document of this size is refused, or undefined. `counted: false` when reading stopped past the limit. */
export function sizeLimitProblem(nodes: number, edges: number, counted = true): { message: string; path: 'nodes' | 'edges' } | undefined {
  const has = (n: number, limit: number) => (counted ? figure(n) : `more than ${figure(limit)}`);
  if (nodes > MAX_NODES) return { path: 'nodes', message: `This network has ${has(nodes, MAX_NODES)} nodes; ${limits}.` };
  if (edges > MAX_EDGES) return { path: 'edges', message: `This network has ${has(edges, MAX_EDGES)} connections; ${limits}.` };
  return undefined;
}
