/**
 * File migrations: how a document saved by an older Netwright becomes a current one.
 *
 * Each version bump adds one named migration, keyed by the version it produces (`{ version: 2, name: 'AddDropoutRate' }`),
 * that turns a version N−1 document into a version N one. Every version above the first has exactly one, in order
 * (a test checks it), each with a test on a fixture of the old version. Migrations never mutate their input.
 *
 * History:
 *   1  the first file format
 *   2  AddTrainingHistory: an optional `history` (the loss curve). A version 1 file has none, so the migration only
 *      moves it to version 2; it exists so every version has its migration and a test on a v1 fixture.
 *   3  ConcatInFileOrder: a Concat's inputs without `order` (or with equal orders) now come in file order (the order
 *      of the edge list), no longer sorted by edge id as plain strings (where "e10" < "e11" < "e9"). A version 2 file
 *      whose Concat relied on the id sort gets explicit orders 0, 1, … on that Concat's edges, in the old order, so
 *      it computes exactly what it did; any other file only changes its version.
 *   4  AddTrainingRuns: optional `runs`, training runs kept for comparison (hyper-parameters, curve, final metrics).
 *      A version 3 file has none; a `runs` field in one was ignored by version 3, so it is dropped.
 */
import { DOCUMENT_VERSION } from './document';

/** A document as read from JSON, before it is checked against the current schema. */
export type RawDocument = Record<string, unknown>;

export interface Migration {
  /** The version this migration produces (it reads version − 1). */
  version: number;
  /** What it does, in one word or phrase: 'AddDropoutRate'. */
  name: string;
  /** Returns a new document; must not mutate `doc`. */
  up(doc: RawDocument): RawDocument;
}

/** The oldest version this build can read. */
export const FIRST_VERSION = 1;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 2,
    name: 'AddTrainingHistory',
    // A v1 file has no history; one that somehow carries a `history` field had it ignored by v1, so it is dropped.
    up: ({ history: _ignored, ...doc }) => doc,
  },
  {
    version: 3,
    name: 'ConcatInFileOrder',
    up: concatInFileOrder,
  },
  {
    version: 4,
    name: 'AddTrainingRuns',
    up: ({ runs: _ignored, ...doc }) => doc,
  },
];

type RawEdge = Record<string, unknown> & { id: string; order?: unknown };

/** Version 2's Concat order, kept where version 3's file order would differ (see the history above). */
function concatInFileOrder(doc: RawDocument): RawDocument {
  if (!Array.isArray(doc.nodes) || !Array.isArray(doc.edges)) return doc;
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  // As the graph reads a file: the first node of each id counts, and the first edge of each id.
  const typeOf = new Map<string, unknown>();
  for (const n of doc.nodes) if (isObject(n) && typeof n.id === 'string' && !typeOf.has(n.id)) typeOf.set(n.id, n.type);
  const seenEdges = new Set<string>();
  const into = new Map<string, RawEdge[]>();
  for (const e of doc.edges) {
    if (!isObject(e) || typeof e.id !== 'string' || seenEdges.has(e.id)) continue;
    seenEdges.add(e.id);
    if (typeof e.target !== 'string' || typeOf.get(e.target) !== 'concat') continue;
    if (typeof e.source !== 'string' || !typeOf.has(e.source) || e.source === e.target) continue;
    const list = into.get(e.target);
    if (list) list.push(e as RawEdge);
    else into.set(e.target, [e as RawEdge]);
  }
  const key = (e: RawEdge) => (typeof e.order === 'number' && Number.isFinite(e.order) ? e.order : Infinity);
  const newOrder = new Map<RawEdge, number>();
  for (const edges of into.values()) {
    // An `order` that is not a number is the schema's to refuse, not this migration's to paper over.
    if (edges.some((e) => e.order !== undefined && typeof e.order !== 'number')) continue;
    const byFile = [...edges].sort((a, b) => (key(a) === key(b) ? 0 : key(a) < key(b) ? -1 : 1));
    const byId = [...edges].sort((a, b) => (key(a) !== key(b) ? (key(a) < key(b) ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (byFile.every((e, k) => e === byId[k])) continue;
    byId.forEach((e, k) => newOrder.set(e, k));
  }
  if (newOrder.size === 0) return doc;
  return { ...doc, edges: doc.edges.map((e: unknown) => (newOrder.has(e as RawEdge) ? { ...(e as RawEdge), order: newOrder.get(e as RawEdge)! } : e)) };
}

export type MigrationResult =
  | { ok: true; doc: RawDocument; migratedFrom?: number; applied: string[] }
  | { ok: false; reason: 'version-too-new' | 'invalid'; message: string };

/** Bring a raw document of any readable version up to `target` with the given migrations. Never mutates `raw`; never throws. */
export function runMigrations(raw: RawDocument, migrations: readonly Migration[], target: number, first = FIRST_VERSION): MigrationResult {
  const version = raw.version;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    return { ok: false, reason: 'invalid', message: `version: expected a whole number, got ${JSON.stringify(version) ?? 'nothing'}` };
  }
  if (version > target) {
    return { ok: false, reason: 'version-too-new', message: `This file was made by a newer Netwright (version ${version}); this one reads up to ${target}. Update Netwright to open it.` };
  }
  if (version < first) {
    return { ok: false, reason: 'invalid', message: `version: ${version} is not a Netwright file version (the first is ${first})` };
  }
  let doc: RawDocument;
  try {
    doc = clone(raw);
  } catch {
    return { ok: false, reason: 'invalid', message: 'the file is nested too deeply to read' };
  }
  const applied: string[] = [];
  for (let v = version + 1; v <= target; v++) {
    const migration = migrations.find((m) => m.version === v);
    if (migration === undefined) {
      return { ok: false, reason: 'invalid', message: `no migration produces version ${v}, so a version ${version} file cannot be read` };
    }
    try {
      doc = { ...migration.up(doc), version: v };
    } catch (error) {
      return { ok: false, reason: 'invalid', message: `migration ${migration.name} (to version ${v}) failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    applied.push(migration.name);
  }
  return version === target ? { ok: true, doc, applied } : { ok: true, doc, migratedFrom: version, applied };
}

/** Bring a raw document up to the current version. Never mutates `raw`; never throws. */
export function migrate(raw: RawDocument): MigrationResult {
  return runMigrations(raw, MIGRATIONS, DOCUMENT_VERSION);
}

/** A deep copy of plain JSON data (what a parsed file holds), keeping -0 (which a JSON round trip would turn into 0). */
function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clone) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: clone(v), enumerable: true, writable: true, configurable: true });
    return out as T;
  }
  return value;
}
