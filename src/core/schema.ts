/**
 * The structure of a network document, checked with zod: what every field must be on its own (types, ranges, names).
 * How the nodes fit together (cycles, sizes, losses) is validate.ts's job, so a half-built network still loads and saves.
 * The key order here is the key order in saved files.
 */
import { z } from 'zod';
import {
  DOCUMENT_FORMAT, DOCUMENT_VERSION, INITIALIZER_NAMES, OPTIMIZER_NAMES,
  type BuiltinDatasetName, type NetworkDocument, type NetworkNode, type NodeType,
} from './document';
import { KINDS, isNodeKind } from './kinds';
import { SETUP_LIMITS, UNITS, type Limit } from './limits';

export const BUILTIN_DATASET_NAMES = ['circle', 'xor', 'gaussians', 'spiral', 'moons', 'plane', 'sine', 'iris', 'cars', 'digits'] as const satisfies readonly BuiltinDatasetName[];

/** Larger layers than this are refused when loading: a file must not be able to make the app allocate without bound. */
export const MAX_UNITS = UNITS.max;

const finite = () => z.number();
const positiveInt = () => z.number().int({ error: 'expected a positive integer' }).min(1, { error: 'expected a positive integer' });

const position = z.object({ x: finite(), y: finite() });
const id = z.string().min(1, { error: 'expected a non-empty id' });

/** A node schema: id, type, name, position first (the order in files), then the kind's own fields (its `props`). */
function nodeOf<T extends NodeType>(type: T): z.ZodType<Extract<NetworkNode, { type: T }>> {
  return z.object({ id, type: z.literal(type), name: z.string(), position, ...KINDS[type].props.shape }) as unknown as z.ZodType<Extract<NetworkNode, { type: T }>>;
}

/** One schema per kind, derived from the table of kinds. */
export const nodeSchemas = Object.fromEntries((Object.keys(KINDS) as NodeType[]).map((type) => [type, nodeOf(type)])) as {
  [T in NodeType]: z.ZodType<Extract<NetworkNode, { type: T }>>;
};

export const nodeSchema = z.discriminatedUnion('type', Object.values(nodeSchemas) as unknown as [z.ZodObject, ...z.ZodObject[]]) as unknown as z.ZodType<NetworkNode>;

export const edgeSchema = z.object({
  id,
  source: z.string(),
  target: z.string(),
  weights: z.array(finite()).optional(),
  order: finite().optional(),
});

const nonNegative = () => finite().min(0, { error: 'expected a number of at least 0' });
const positive = () => finite().gt(0, { error: 'expected a number above 0' });
const fraction = () => finite().gt(0, { error: 'expected a number above 0 and at most 1' }).max(1, { error: 'expected a number above 0 and at most 1' });

/** A number field bounded by a declared limit (limits.ts), with the limit's words as its message. */
export function limitedNumber(l: Limit) {
  const error = { error: `expected ${l.words}` };
  let n = l.integer ? z.number().int(error) : z.number();
  if (l.min !== -Infinity) n = l.minExclusive ? n.gt(l.min, error) : n.min(l.min, error);
  if (l.max !== Infinity) n = l.maxExclusive ? n.lt(l.max, error) : n.max(l.max, error);
  return n;
}

const L = SETUP_LIMITS;

export const trainingSchema = z.object({
  optimizer: z.enum(OPTIMIZER_NAMES),
  learningRate: limitedNumber(L.learningRate),
  schedule: z.object({
    kind: z.enum(['constant', 'stepDecay']),
    factor: positive().optional(),
    everyEpochs: positiveInt().optional(),
  }),
  momentum: limitedNumber(L.momentum),
  nesterov: z.boolean(),
  beta1: limitedNumber(L.beta1),
  beta2: limitedNumber(L.beta2),
  epsilon: limitedNumber(L.epsilon),
  batchSize: limitedNumber(L.batchSize),
  epochs: limitedNumber(L.epochs),
  l1: limitedNumber(L.l1),
  l2: limitedNumber(L.l2),
  clipNorm: limitedNumber(L.clipNorm).optional(),
  initializer: z.enum(INITIALIZER_NAMES),
  initialValue: finite().optional(),
  seed: finite(),
});

/**
 * A name this build does not know where a table of names is the format (a node kind, an optimizer, a built-in data
 * set): the file was made by a newer Netwright. Checked before the schema, so the message says so instead of
 * "expected one of …". Returns the path and message of the first one, or undefined.
 */
export function findUnknownName(raw: unknown): { path: string; message: string } | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const doc = raw as Record<string, unknown>;
  const newer = (path: string, what: string, name: string) => ({
    path,
    message: `${path}: unknown ${what} ${JSON.stringify(name)}: this file was made by a newer Netwright. Update Netwright to open it.`,
  });
  if (Array.isArray(doc.nodes)) {
    for (let i = 0; i < doc.nodes.length; i++) {
      const type = (doc.nodes[i] as Record<string, unknown> | null)?.type;
      if (typeof type === 'string' && !isNodeKind(type)) return newer(`nodes[${i}].type`, 'type', type);
    }
  }
  const optimizer = (doc.training as Record<string, unknown> | null | undefined)?.optimizer;
  if (typeof optimizer === 'string' && !(OPTIMIZER_NAMES as readonly string[]).includes(optimizer)) return newer('training.optimizer', 'optimizer', optimizer);
  const data = doc.data as Record<string, unknown> | null | undefined;
  if (data?.kind === 'builtin' && typeof data.name === 'string' && !(BUILTIN_DATASET_NAMES as readonly string[]).includes(data.name)) {
    return newer('data.name', 'data set', data.name);
  }
  return undefined;
}

export const dataSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({
    kind: z.literal('builtin'),
    name: z.enum(BUILTIN_DATASET_NAMES),
    noise: nonNegative(),
    trainRatio: fraction(),
    seed: finite(),
    samples: positiveInt().optional(),
    features: z.array(z.string()).optional(),
  }),
  z.object({
    kind: z.literal('csv'),
    fileName: z.string(),
    text: z.string(),
    roles: z.record(z.string(), z.enum(['feature', 'target', 'ignored'])),
    standardize: z.boolean(),
    trainRatio: fraction(),
    seed: finite(),
  }),
]);

/** A history longer than this is refused on load (the editor keeps far fewer points). */
export const MAX_HISTORY_POINTS = 1_000_000;

export const historySchema = z.object({
  step: z.array(z.number().int({ error: 'expected a whole number of steps' }).min(0, { error: 'expected a whole number of steps' })).max(MAX_HISTORY_POINTS, { error: `expected at most ${MAX_HISTORY_POINTS} points` }),
  trainLoss: z.array(finite()).max(MAX_HISTORY_POINTS, { error: `expected at most ${MAX_HISTORY_POINTS} points` }),
  testLoss: z.array(finite().nullable()).max(MAX_HISTORY_POINTS, { error: `expected at most ${MAX_HISTORY_POINTS} points` }),
  accuracy: z.array(finite().min(0, { error: 'expected a fraction from 0 to 1' }).max(1, { error: 'expected a fraction from 0 to 1' }).nullable())
    .max(MAX_HISTORY_POINTS, { error: `expected at most ${MAX_HISTORY_POINTS} points` }),
}).superRefine((h, ctx) => {
  for (const key of ['trainLoss', 'testLoss', 'accuracy'] as const) {
    if (h[key].length !== h.step.length) {
      ctx.addIssue({ code: 'custom', path: [key], message: `expected ${h.step.length} values, one per step (got ${h[key].length})` });
      return;
    }
  }
});

/** More runs than this are refused on load (the app keeps fewer). */
export const MAX_RUNS = 100;

const wholeSteps = () => z.number().int({ error: 'expected a whole number of steps' }).min(0, { error: 'expected a whole number of steps' });
const fractionOrNull = () => finite().min(0, { error: 'expected a fraction from 0 to 1' }).max(1, { error: 'expected a fraction from 0 to 1' }).nullable();

export const runSchema = z.object({
  id,
  name: z.string().max(200, { error: 'expected a name of at most 200 characters' }),
  setup: trainingSchema,
  parameters: z.number().int({ error: 'expected a whole number' }).min(0, { error: 'expected a whole number' }),
  stepsPerSecond: nonNegative().nullable(),
  curve: historySchema,
  final: z.object({ step: wholeSteps(), epoch: wholeSteps(), trainLoss: finite().nullable(), testLoss: finite().nullable(), accuracy: fractionOrNull() }),
});

export const documentSchema = z.object({
  format: z.literal(DOCUMENT_FORMAT),
  version: z.literal(DOCUMENT_VERSION),
  name: z.string(),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema),
  training: trainingSchema,
  data: dataSchema,
  nextId: positiveInt().optional(),
  history: historySchema.optional(),
  runs: z.array(runSchema).max(MAX_RUNS, { error: `expected at most ${MAX_RUNS} runs` }).optional(),
}) satisfies z.ZodType<NetworkDocument>;

/** `nodes[3].units` from ['nodes', 3, 'units']. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text', number: 'a number', boolean: 'true or false', array: 'a list', object: 'an object',
};

/** Plain-words messages for zod's generic issues (custom messages on the schema win). */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.expected === 'number' && typeof issue.input === 'number') return `expected a finite number, got ${issue.input}`;
      const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
      return `expected ${expected}, got ${describeValue(issue.input)}`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${JSON.stringify(issue.values[0])}, got ${describeValue(issue.input)}`
        : `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}; got ${describeValue(issue.input)}`;
    case 'invalid_union':
      if ('discriminator' in issue && typeof issue.discriminator === 'string') {
        const options = (issue as { options?: unknown[] }).options ?? [];
        const input = issue.input as Record<string, unknown> | undefined;
        const got = typeof input === 'object' && input !== null ? input[issue.discriminator] : undefined;
        return `unknown ${issue.discriminator} ${typeof got === 'string' ? JSON.stringify(got) : describeValue(got)}; expected one of ${options.map((o) => JSON.stringify(o)).join(', ')}`;
      }
      return undefined;
    default:
      return undefined;
  }
};

export type SchemaResult<T> = { ok: true; value: T } | { ok: false; message: string; path: string };

/** Check a value against a schema; the first problem as `path: message`. */
export function checkSchema<T>(schema: z.ZodType<T>, value: unknown, pathPrefix: readonly PropertyKey[] = []): SchemaResult<T> {
  const parsed = schema.safeParse(value, { error: errorMap });
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  const path = formatPath([...pathPrefix, ...issue.path]);
  return { ok: false, path, message: path === '' ? issue.message : `${path}: ${issue.message}` };
}

/**
 * Lists of plain numbers (weights, biases, kernels: a field whose schema is a list of any finite numbers, without
 * bounds) are checked by a loop here instead of by zod, one schema call per number: at the file's limit of 8,000,000
 * numbers zod took seconds and copied every list. The messages and paths are zod's (`nodes[2].bias[5]: expected a
 * number, got the text "x"`). Shorter lists than this are left to zod.
 */
const LIFTED_LIST_MIN = 64;

function isPlainNumberList(schema: unknown): boolean {
  let s = schema;
  if (s instanceof z.ZodOptional) s = s.unwrap();
  if (!(s instanceof z.ZodArray) || (s._zod.def.checks ?? []).length > 0) return false;
  const element: unknown = s.element;
  return element instanceof z.ZodNumber && (element._zod.def.checks ?? []).length === 0;
}

const keysOf = (shape: Record<string, unknown>) => Object.keys(shape);
/** Per node type: its fields in file order, and those that are plain lists of numbers. */
const NODE_FIELDS = Object.fromEntries((Object.keys(KINDS) as NodeType[]).map((type) => {
  const shape = { id, type: z.literal(type), name: z.string(), position, ...KINDS[type].props.shape } as Record<string, unknown>;
  return [type, { order: keysOf(shape), lists: keysOf(shape).filter((k) => isPlainNumberList(shape[k])) }];
})) as Record<NodeType, { order: string[]; lists: string[] }>;
const EDGE_FIELDS = { order: keysOf(edgeSchema.shape), lists: keysOf(edgeSchema.shape).filter((k) => isPlainNumberList((edgeSchema.shape as Record<string, unknown>)[k])) };

interface Lifted { section: 'nodes' | 'edges'; index: number; key: string; keyRank: number; list: unknown[] }

/** The first element of `list` that is not a finite number: its index and zod's words for it. */
function firstBadNumber(list: unknown[]): { index: number; message: string } | undefined {
  for (let k = 0; k < list.length; k++) {
    const v = list[k];
    if (typeof v === 'number' && v - v === 0) continue; // finite (NaN and ±Infinity give NaN)
    return { index: k, message: typeof v === 'number' ? `expected a finite number, got ${v}` : `expected a number, got ${describeValue(v)}` };
  }
  return undefined;
}

/** `value` with its long plain number lists replaced by empty ones for zod, and the lists taken out. */
function liftNumberLists(value: unknown): { value: unknown; lifted: Lifted[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { value, lifted: [] };
  const doc = value as Record<string, unknown>;
  const lifted: Lifted[] = [];
  const out: Record<string, unknown> = { ...doc };
  for (const section of ['nodes', 'edges'] as const) {
    const items = doc[section];
    if (!Array.isArray(items)) continue;
    let copy: unknown[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const item: unknown = items[i];
      if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
      const record = item as Record<string, unknown>;
      const type = record.type;
      const fields = section === 'edges' ? EDGE_FIELDS : typeof type === 'string' && isNodeKind(type) ? NODE_FIELDS[type] : undefined;
      if (!fields) continue;
      let stripped: Record<string, unknown> | undefined;
      for (const key of fields.lists) {
        const list = Object.hasOwn(record, key) ? record[key] : undefined;
        if (!Array.isArray(list) || list.length < LIFTED_LIST_MIN) continue;
        lifted.push({ section, index: i, key, keyRank: fields.order.indexOf(key), list });
        stripped ??= { ...record };
        stripped[key] = [];
      }
      if (stripped) {
        copy ??= items.slice();
        copy[i] = stripped;
      }
    }
    if (copy) out[section] = copy;
  }
  return lifted.length === 0 ? { value, lifted } : { value: out, lifted };
}

const SECTION_ORDER = keysOf(documentSchema.shape);

/** Where a path sits in file order (section, item, field): the earlier of two problems is reported, as zod would. */
function rank(path: readonly PropertyKey[]): [number, number, number] {
  const section = SECTION_ORDER.indexOf(String(path[0]));
  const index = typeof path[1] === 'number' ? path[1] : -1;
  return [section, index, -1];
}

/**
 * Check a whole document (documentSchema): structure by zod, long number lists by a loop. The same result, messages
 * and paths as `checkSchema(documentSchema, value, pathPrefix)`, in a fraction of the time for large networks.
 */
export function checkDocument(value: unknown, pathPrefix: readonly PropertyKey[] = []): SchemaResult<NetworkDocument> {
  const { value: rest, lifted } = liftNumberLists(value);
  if (lifted.length === 0) return checkSchema(documentSchema, value, pathPrefix);
  let bad: { path: PropertyKey[]; message: string; at: [number, number, number] } | undefined;
  for (const l of lifted) {
    const found = firstBadNumber(l.list);
    if (!found) continue;
    bad = { path: [l.section, l.index, l.key, found.index], message: found.message, at: [SECTION_ORDER.indexOf(l.section), l.index, l.keyRank] };
    break;
  }
  const parsed = documentSchema.safeParse(rest, { error: errorMap });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = rank(issue.path);
    const fields = issue.path[0] === 'edges' ? EDGE_FIELDS : undefined;
    const item = issue.path[0] === 'nodes' && Array.isArray((value as Record<string, unknown>).nodes)
      ? ((value as { nodes: unknown[] }).nodes[at[1]] as Record<string, unknown> | undefined) : undefined;
    const nodeFields = item && typeof item.type === 'string' && isNodeKind(item.type) ? NODE_FIELDS[item.type] : undefined;
    at[2] = (fields ?? nodeFields)?.order.indexOf(String(issue.path[2])) ?? -1;
    const zodFirst = !bad || at[0] < bad.at[0] || (at[0] === bad.at[0] && (at[1] < bad.at[1] || (at[1] === bad.at[1] && at[2] <= bad.at[2])));
    if (zodFirst) {
      const path = formatPath([...pathPrefix, ...issue.path]);
      return { ok: false, path, message: path === '' ? issue.message : `${path}: ${issue.message}` };
    }
  }
  if (bad) {
    const path = formatPath([...pathPrefix, ...bad.path]);
    return { ok: false, path, message: `${path}: ${bad.message}` };
  }
  const doc = (parsed as { data: NetworkDocument }).data;
  for (const l of lifted) (doc[l.section][l.index] as unknown as Record<string, unknown>)[l.key] = l.list;
  return { ok: true, value: doc };
}
