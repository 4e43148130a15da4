/**
 * Saving and loading .netwright files.
 *
 * A file is pretty JSON starting with its header (`"format": "netwright", "version": 1`), then the name, nodes, edges,
 * training setup and data reference, in the key order of schema.ts. Lists of numbers sit on one line each.
 * Numbers are written with the shortest digits that read back as the same double (and -0 as "-0"), so float32
 * weights taken from a Float32Array round-trip bit for bit.
 *
 * What saves, loads, and the other way round: serializeDocument refuses exactly what parseDocument would refuse
 * (non-finite numbers, fields of the wrong type or range, duplicate ids, edges to missing nodes), so a saved file
 * always opens. Problems of the network itself (cycles, sizes, losses) do not stop a save: that is validation's job.
 */
import { DOCUMENT_FORMAT, DOCUMENT_VERSION, type NetworkDocument } from './document';
import { nodeLabel } from './graph';
import { fileParametersProblem, MAX_EDGES, MAX_NODES, sizeLimitProblem } from './limits';
import { migrate } from './migrations';
import { float32Problem, FLOAT32_MAX, scanJson, unknownKeys } from './fileText';
import { checkDocument, findUnknownName, formatPath } from './schema';

export type ParseFailureReason = 'invalid-json' | 'not-netwright' | 'version-too-new' | 'invalid';

export type ParseResult =
  | { ok: true; doc: NetworkDocument; migratedFrom?: number; warnings?: string[] }
  | { ok: false; reason: ParseFailureReason; message: string; path?: string };

export type SerializeResult = { ok: true; text: string } | { ok: false; message: string; path?: string };

/** Thrown by serializeDocument when a document cannot be saved; `path` points at the field, e.g. `edges[2].weights[0]`. */
export class DocumentSaveError extends Error {
  readonly path: string | undefined;
  constructor(message: string, path?: string) {
    super(message);
    this.name = 'DocumentSaveError';
    this.path = path;
  }
}

/** Keys that could reach an object's prototype; refused anywhere in a file. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The document as file text, or why it cannot be saved. Never throws. */
export function trySerializeDocument(doc: NetworkDocument): SerializeResult {
  try {
    const size = sizeLimitProblem(Array.isArray(doc.nodes) ? doc.nodes.length : 0, Array.isArray(doc.edges) ? doc.edges.length : 0);
    if (size) return { ok: false, message: `Cannot save: ${size.message}`, path: size.path };
    const stored = fileParametersProblem(countStoredNumbers(doc));
    if (stored) return { ok: false, message: `Cannot save: ${stored}` };
    const nonFinite = findNonFinite(doc);
    if (nonFinite) return { ok: false, ...nonFinite };
    const forbidden = typeof doc === 'object' && doc !== null ? findForbiddenKey(doc) : undefined;
    if (forbidden) return { ok: false, message: `${forbidden}: this name is not allowed as a key in a Netwright file`, path: forbidden };
    const checked = checkDocument(doc);
    if (!checked.ok) return { ok: false, message: `Cannot save: ${checked.message}`, path: checked.path };
    const range = rangeProblem(checked.value);
    if (range) return { ok: false, message: `Cannot save: ${range.message}`, path: range.path };
    const refs = checkReferences(checked.value);
    if (refs) return { ok: false, message: `Cannot save: ${refs.message}`, path: refs.path };
    return { ok: true, text: `${writeJson(checked.value, '')}\n` };
  } catch (error) {
    return { ok: false, message: `Cannot save: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The document as file text. Throws DocumentSaveError (with a message naming the node or edge) if it cannot be saved. */
export function serializeDocument(doc: NetworkDocument): string {
  const result = trySerializeDocument(doc);
  if (!result.ok) throw new DocumentSaveError(result.message, result.path);
  return result.text;
}

/** Read a file's text into a document, migrating older versions. Never throws. */
export function parseDocument(text: string): ParseResult {
  try {
    return parseUnsafe(text);
  } catch (error) {
    return { ok: false, reason: 'invalid', message: `This file could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function parseUnsafe(text: string): ParseResult {
  if (typeof text !== 'string') return { ok: false, reason: 'invalid-json', message: 'This file is not text.' };
  const scan = scanJson(text, { nodes: MAX_NODES, edges: MAX_EDGES });
  if (!scan.ok && scan.kind === 'too-many') {
    const size = scan.key === 'nodes' ? sizeLimitProblem(MAX_NODES + 1, 0, false)! : sizeLimitProblem(0, MAX_EDGES + 1, false)!;
    return { ok: false, reason: 'invalid', path: size.path, message: size.message };
  }
  if (!scan.ok && scan.kind === 'syntax') return { ok: false, reason: 'invalid-json', message: `${scan.message} It is not a Netwright network.` };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'invalid-json', message: 'This file is not valid JSON, so it is not a Netwright network.' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || (raw as Record<string, unknown>).format !== DOCUMENT_FORMAT) {
    return { ok: false, reason: 'not-netwright', message: `This is not a Netwright network: its first line should say "format": "${DOCUMENT_FORMAT}".` };
  }
  const rawDoc = raw as Record<string, unknown>;
  const size = sizeLimitProblem(Array.isArray(rawDoc.nodes) ? rawDoc.nodes.length : 0, Array.isArray(rawDoc.edges) ? rawDoc.edges.length : 0);
  if (size) return { ok: false, reason: 'invalid', message: size.message, path: size.path };
  if (!scan.ok) return { ok: false, reason: 'invalid', message: scan.message, ...(scan.path !== undefined ? { path: scan.path } : {}) };
  const forbidden = findForbiddenKey(raw);
  if (forbidden) return { ok: false, reason: 'invalid', message: `${forbidden}: this name is not allowed as a key in a Netwright file`, path: forbidden };
  const migrated = migrate(raw as Record<string, unknown>);
  if (!migrated.ok) {
    return migrated.reason === 'invalid'
      ? { ok: false, reason: 'invalid', message: migrated.message, path: 'version' }
      : { ok: false, reason: migrated.reason, message: migrated.message };
  }
  const unknownName = findUnknownName(migrated.doc);
  if (unknownName) return { ok: false, reason: 'version-too-new', message: unknownName.message, path: unknownName.path };
  const checked = checkDocument(migrated.doc);
  if (!checked.ok) return { ok: false, reason: 'invalid', message: checked.message, path: checked.path };
  // An unknown key is a typo or a newer field: in a file of the current version it is refused (dropping it would
  // silently change the network); an older file's unknown keys were ignored by the version that wrote it, so they
  // are dropped with a warning the app and the CLI show.
  const current = migrated.migratedFrom === undefined;
  const unknown = unknownKeys(migrated.doc, checked.value, current ? 1 : 10);
  if (current && unknown.length > 0) {
    const path = unknown[0]!;
    return { ok: false, reason: 'invalid', path, message: `${path}: "${lastKey(path)}" is not a field Netwright knows here (a typo?); it would be dropped, so the file is refused` };
  }
  const warnings = unknown.map((path) => `${path}: "${lastKey(path)}" is not a field of a version ${DOCUMENT_VERSION} file; it was dropped`);
  const range = rangeProblem(checked.value);
  if (range) return { ok: false, reason: 'invalid', message: range.message, path: range.path };
  const refs = checkReferences(checked.value);
  if (refs) return { ok: false, reason: 'invalid', message: refs.message, path: refs.path };
  const result: ParseResult = migrated.migratedFrom === undefined ? { ok: true, doc: checked.value } : { ok: true, doc: checked.value, migratedFrom: migrated.migratedFrom };
  return warnings.length > 0 ? { ...result, warnings } : result;
}

const lastKey = (path: string) => path.slice(path.lastIndexOf('.') + 1);

/** A number beyond float32 (weights, biases, any number): training would hold it as ±Infinity. */
function rangeProblem(doc: NetworkDocument): { message: string; path: string } | undefined {
  const found = float32Problem(doc);
  if (!found) return undefined;
  return { path: found.path, message: `${found.path}: ${found.value} is beyond the range of 32-bit floats (±${FLOAT32_MAX.toPrecision(5)}), which Netwright computes in` };
}

/** Duplicate ids and edges to missing nodes: a file with them cannot be edited sensibly, so it is refused whole. */
function checkReferences(doc: NetworkDocument): { message: string; path: string } | undefined {
  const nodeAt = new Map<string, number>();
  for (let i = 0; i < doc.nodes.length; i++) {
    const id = doc.nodes[i]!.id;
    const first = nodeAt.get(id);
    if (first !== undefined) return { path: `nodes[${i}].id`, message: `nodes[${i}].id: "${id}" is already the id of nodes[${first}]; ids must be unique` };
    nodeAt.set(id, i);
  }
  const edgeAt = new Map<string, number>();
  for (let i = 0; i < doc.edges.length; i++) {
    const edge = doc.edges[i]!;
    const first = edgeAt.get(edge.id);
    if (first !== undefined) return { path: `edges[${i}].id`, message: `edges[${i}].id: "${edge.id}" is already the id of edges[${first}]; ids must be unique` };
    edgeAt.set(edge.id, i);
    for (const end of ['source', 'target'] as const) {
      if (!nodeAt.has(edge[end])) {
        return { path: `edges[${i}].${end}`, message: `edges[${i}].${end}: the connection "${edge.id}" points to "${edge[end]}", which is not a node of this network` };
      }
    }
  }
  return undefined;
}

/** How many numbers the nodes' and connections' lists hold (weights, biases, gamma, …): counted before anything is written. */
function countStoredNumbers(doc: NetworkDocument): number {
  let count = 0;
  for (const list of [doc.nodes, doc.edges] as unknown[]) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (!item || typeof item !== 'object') continue;
      for (const value of Object.values(item as Record<string, unknown>)) if (Array.isArray(value) && typeof value[0] === 'number') count += value.length;
    }
  }
  return count;
}

/** The first NaN or ±Infinity, named after the node or edge that holds it. */
function findNonFinite(doc: NetworkDocument): { message: string; path: string } | undefined {
  const bad = (v: unknown): v is number => typeof v === 'number' && !Number.isFinite(v);
  const nodes = Array.isArray(doc.nodes) ? doc.nodes : [];
  const byId = new Map(nodes.filter((n) => n && typeof n === 'object').map((n) => [n.id, n]));
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (!node || typeof node !== 'object') continue;
    for (const [key, value] of Object.entries(node)) {
      if (bad(value)) return { path: `nodes[${i}].${key}`, message: `Cannot save: ${nodeLabel(node)} has a ${key} of ${value}; only finite numbers can be saved.` };
      if (Array.isArray(value)) {
        const j = value.findIndex(bad);
        if (j >= 0) return { path: `nodes[${i}].${key}[${j}]`, message: `Cannot save: ${nodeLabel(node)} has a ${key} of ${value[j]} (unit ${j + 1}); only finite numbers can be saved.` };
      }
      if (key === 'position' && value && typeof value === 'object') {
        for (const axis of ['x', 'y'] as const) {
          const v = (value as Record<string, unknown>)[axis];
          if (bad(v)) return { path: `nodes[${i}].position.${axis}`, message: `Cannot save: ${nodeLabel(node)} sits at ${axis} = ${v}; only finite numbers can be saved.` };
        }
      }
    }
  }
  const edges = Array.isArray(doc.edges) ? doc.edges : [];
  for (let i = 0; i < edges.length; i++) {
    const edge = edges[i];
    if (!edge || typeof edge !== 'object') continue;
    const conn = `the connection ${nodeLabel(byId.get(edge.source) ?? { id: edge.source })} → ${nodeLabel(byId.get(edge.target) ?? { id: edge.target })}`;
    if (Array.isArray(edge.weights)) {
      const j = edge.weights.findIndex(bad);
      if (j >= 0) return { path: `edges[${i}].weights[${j}]`, message: `Cannot save: ${conn} has a weight of ${edge.weights[j]} at position ${j + 1}; only finite numbers can be saved.` };
    }
    if (bad(edge.order)) return { path: `edges[${i}].order`, message: `Cannot save: ${conn} has an order of ${edge.order}; only finite numbers can be saved.` };
  }
  for (const section of ['training', 'data'] as const) {
    const value = doc[section] as unknown;
    if (!value || typeof value !== 'object') continue;
    for (const [key, v] of Object.entries(value)) {
      if (bad(v)) return { path: `${section}.${key}`, message: `Cannot save: the ${section === 'training' ? 'training setting' : 'data setting'} ${key} is ${v}; only finite numbers can be saved.` };
    }
  }
  const history = doc.history as unknown;
  if (history && typeof history === 'object') {
    for (const [key, list] of Object.entries(history)) {
      if (!Array.isArray(list)) continue;
      const j = list.findIndex(bad);
      if (j >= 0) return { path: `history.${key}[${j}]`, message: `Cannot save: the training history has a ${key} of ${list[j]} at point ${j + 1}; only finite numbers can be saved (leave diverged points out of the history).` };
    }
  }
  return undefined;
}

/** Path of the first key that could reach a prototype, searching without recursion (files can nest deeply). */
function findForbiddenKey(root: unknown): string | undefined {
  interface Frame { value: unknown; key: PropertyKey | undefined; parent: Frame | undefined }
  const pathOf = (frame: Frame | undefined, last: PropertyKey): string => {
    const keys: PropertyKey[] = [last];
    for (let f = frame; f !== undefined && f.key !== undefined; f = f.parent) keys.push(f.key);
    return formatPath(keys.reverse());
  };
  const stack: Frame[] = [{ value: root, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const value = frame.value;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        const v: unknown = value[i];
        if (typeof v === 'object' && v !== null) stack.push({ value: v, key: i, parent: frame });
      }
      continue;
    }
    for (const key of Object.keys(value as object)) {
      if (FORBIDDEN_KEYS.has(key)) return pathOf(frame, key);
      const v = (value as Record<string, unknown>)[key];
      if (typeof v === 'object' && v !== null) stack.push({ value: v, key, parent: frame });
    }
  }
  return undefined;
}

/** Finite numbers only (non-finite ones are refused before writing); String() gives JSON's digits, many times faster than JSON.stringify. */
function writeNumber(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

const isPrimitive = (v: unknown) => v === null || typeof v !== 'object';

function writePrimitive(v: unknown): string {
  return typeof v === 'number' ? writeNumber(v) : JSON.stringify(v);
}

/** Finite numbers, none of them -0 (JSON.stringify writes it as 0): a list the native writer can write. */
function isNumberList(list: readonly unknown[]): list is number[] {
  for (let k = 0; k < list.length; k++) {
    const v = list[k];
    if (typeof v !== 'number' || v - v !== 0 || (v === 0 && 1 / v < 0)) return false;
  }
  return true;
}

/** Longer lists of numbers are written without a space after each comma: see writeNumberList. */
const SPACED_LIST_MAX = 1024;

/**
 * `[1, 0.5, -2]`, or `[1,0.5,-2]` beyond SPACED_LIST_MAX numbers: the native JSON writer gives the same shortest
 * digits as String() about five times faster than a string per number joined, with far less garbage; spacing its
 * commas would cost as much again. At the file's limit (8,000,000 weights) this is most of a save.
 */
function writeNumberList(list: readonly number[]): string {
  return list.length > SPACED_LIST_MAX ? JSON.stringify(list) : `[${list.join(', ')}]`;
}

/** Pretty JSON: objects one key a line, except short ones of primitives and lists of primitives; lists of primitives on one line. */
function writeJson(value: unknown, indent: string): string {
  if (isPrimitive(value)) return writePrimitive(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (isNumberList(value)) return writeNumberList(value);
    if (value.every(isPrimitive)) return `[${value.map(writePrimitive).join(', ')}]`;
    return `[\n${value.map((v) => inner + writeJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  const flatValue = (v: unknown) => (Array.isArray(v) ? `[${v.map(writePrimitive).join(', ')}]` : writePrimitive(v));
  // a list of more than 48 values never fits on a line of 96 characters: not worth writing twice
  if (entries.every(([, v]) => isPrimitive(v) || (Array.isArray(v) && v.length <= 48 && v.every(isPrimitive)))) {
    const flat = `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${flatValue(v)}`).join(', ')} }`;
    if (flat.length <= 96) return flat;
  }
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${writeJson(v, inner)}`).join(',\n')}\n${indent}}`;
}

export const FILE_HEADER = { format: DOCUMENT_FORMAT, version: DOCUMENT_VERSION } as const;
