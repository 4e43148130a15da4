/**
 * Where a network meets its data: the columns a data reference offers (without building the data when it need not),
 * which of them an Input should read next, and binding Inputs and Outputs to the data's columns in order.
 * The app (feature menus, "Bind inputs to …") and the command line (`train --dataset`) share these.
 */
import { BUILTIN_DATASETS, loadDataset } from './data';
import { PLANE_FEATURES, featureColumn, featureLabel, planeFeatureId, type PlaneFeature } from './data/features';
import type { DataReference, NetworkDocument, NetworkNode } from './document';
import { addNode, connect, newId, removeNodes, type EditResult } from './edit';
import { kindOf } from './kinds';
import { createNode } from './nodes';

export interface DataColumns {
  /** The feature columns an Input may read, in the data's order. */
  features: string[];
  /** The target columns (binary, regression) or class names (multiclass) an Output compares with. */
  targets: string[];
}

/** The columns of the data a reference names; null for none or for data that cannot be built (its own message says why). */
export function dataColumns(ref: DataReference): DataColumns | null {
  if (ref.kind === 'none') return null;
  if (ref.kind === 'builtin') {
    const info = BUILTIN_DATASETS.find((d) => d.id === ref.name);
    if (!info) return null;
    if (info.kind !== 'plane') {
      // Tables and images: their columns as the built set names them.
      const loaded = loadDataset(ref);
      return loaded.ok ? { features: [...loaded.dataset.featureNames], targets: [...loaded.dataset.targetNames] } : null;
    }
    const chosen = ref.features && ref.features.length > 0 ? ref.features : info.defaultFeatures;
    return { features: info.features.filter((f) => chosen.includes(f)), targets: [...info.targets] };
  }
  const loaded = loadDataset(ref);
  return loaded.ok ? { features: [...loaded.dataset.featureNames], targets: [...loaded.dataset.targetNames] } : null;
}

/** Every feature the network's Inputs read, in document order (duplicates kept once). */
export function inputFeatures(doc: NetworkDocument): string[] {
  const out: string[] = [];
  for (const n of doc.nodes) if (n.type === 'input') for (const f of n.features) if (!out.includes(f)) out.push(f);
  return out;
}

/** The first of the data's features no Input reads yet (undefined when every one is read, or there is no data). */
export function nextUnusedFeature(doc: NetworkDocument, columns: DataColumns | null = dataColumns(doc.data)): string | undefined {
  if (!columns) return undefined;
  const used = new Set(inputFeatures(doc).map((f) => columns.features[featureColumn(columns.features, f)] ?? f));
  return columns.features.find((f) => !used.has(f));
}

export interface Binding {
  doc: NetworkDocument;
  /** Each renamed feature or target: "x1 ← x". */
  features: { from: string; to: string }[];
  targets: { from: string; to: string }[];
}

/**
 * When the network's Inputs (or its Output's targets) name columns the data does not have but as many as the data
 * offers, bind them in order: the first feature read to the first column, and so on. Null when nothing needs binding
 * or the counts differ (then the user picks each feature from the data's).
 */
export function bindInOrder(doc: NetworkDocument, columns: DataColumns): Binding | null {
  const plan = (names: string[], available: readonly string[]) => {
    if (names.every((n) => featureColumn(available, n) >= 0) || names.length !== available.length) return null;
    return names.map((n, i) => ({ from: n, to: available[i]! }));
  };
  const outputs: string[] = [];
  for (const n of doc.nodes) if (n.type === 'output') for (const t of n.targets) if (!outputs.includes(t)) outputs.push(t);
  const f = plan(inputFeatures(doc), columns.features);
  const t = plan(outputs, columns.targets);
  if (!f && !t) return null;
  const fm = new Map((f ?? []).map((b) => [b.from, b.to]));
  const tm = new Map((t ?? []).map((b) => [b.from, b.to]));
  return {
    doc: {
      ...doc,
      nodes: doc.nodes.map((n) => {
        if (n.type === 'input' && fm.size > 0) return { ...n, features: n.features.map((x) => fm.get(x) ?? x) };
        if (n.type === 'output' && tm.size > 0) return { ...n, targets: n.targets.map((x) => tm.get(x) ?? x) };
        return n;
      }),
    },
    features: f ?? [],
    targets: t ?? [],
  };
}

/** Vertical room between two Inputs stacked by a feature toggle (as the templates' rows). */
const INPUT_ROW_STEP = 160;

/**
 * Playground's feature toggles on a 2-D set: ticking a feature adds it to the data and an Input that reads it,
 * wired like the Inputs already there (into every node they feed: the first layer); unticking removes it from the
 * data and from the Inputs (an Input that read only it goes, with its connections). One document change: one undo
 * step. Refused with a reason for a data set without engineered features, or unticking the last feature.
 */
export function toggleFeature(doc: NetworkDocument, feature: PlaneFeature, on: boolean): EditResult {
  const ref = doc.data;
  const info = ref.kind === 'builtin' ? BUILTIN_DATASETS.find((d) => d.id === ref.name) : undefined;
  if (ref.kind !== 'builtin' || info?.kind !== 'plane') return { ok: false, reason: 'Engineered features (x², x·y, sin x, …) belong to the 2-D data sets.' };
  const current = ref.features && ref.features.length > 0 ? ref.features : [...info.defaultFeatures];
  const reads = (name: string) => planeFeatureId(name) === feature || name === feature;
  if (on) {
    if (current.includes(feature)) return { ok: true, doc };
    const features = PLANE_FEATURES.filter((f) => f === feature || current.includes(f));
    let next: NetworkDocument = { ...doc, data: { ...ref, features } };
    const inputs = doc.nodes.filter((n) => n.type === 'input');
    if (inputs.some((n) => n.type === 'input' && n.features.some(reads))) return { ok: true, doc: next };
    const id = newId(next, kindOf('input').idPrefix);
    const lowest = inputs.reduce<NetworkNode | undefined>((low, n) => (!low || n.position.y > low.position.y ? n : low), undefined);
    const position = lowest ? { x: lowest.position.x, y: lowest.position.y + INPUT_ROW_STEP } : { x: 0, y: 0 };
    const label = featureLabel(feature);
    const named = doc.nodes.some((n) => n.name === label);
    const added = addNode(next, createNode('input', id, position, { features: [feature], ...(named ? {} : { name: label }) }));
    if (!added.ok) return added;
    next = added.doc;
    // Wired like the others: into every node an existing Input feeds, in the order they were first fed.
    const firstLayer: string[] = [];
    for (const e of doc.edges) if (inputs.some((n) => n.id === e.source) && !firstLayer.includes(e.target)) firstLayer.push(e.target);
    for (const target of firstLayer) {
      const wired = connect(next, id, target);
      if (!wired.ok) return { ok: false, reason: `Can’t wire ${label} into ${target}: ${wired.reason}` };
      next = wired.doc;
    }
    return { ok: true, doc: next };
  }
  if (!current.includes(feature)) return { ok: true, doc };
  const features = current.filter((f) => f !== feature);
  if (features.length === 0) return { ok: false, reason: 'A network needs at least one input feature: tick another before unticking this one.' };
  const gone = doc.nodes.filter((n) => n.type === 'input' && n.features.every(reads)).map((n) => n.id);
  const kept = removeNodes(doc, gone);
  return {
    ok: true,
    doc: {
      ...kept,
      data: { ...ref, features },
      nodes: kept.nodes.map((n) => (n.type === 'input' && n.features.some(reads) ? { ...n, features: n.features.filter((f) => !reads(f)) } : n)),
    },
  };
}
