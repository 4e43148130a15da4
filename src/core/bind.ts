/**
 * Where a network meets its data: the columns a data reference offers (without building the data when it need not),
 * which of them an Input should read next, and binding Inputs and Outputs to the data's columns in order.
 * The app (feature menus, "Bind inputs to …") and the command line (`train --dataset`) share these.
 */
import { BUILTIN_DATASETS, loadDataset } from './data';
import { featureColumn } from './data/features';
import type { DataReference, NetworkDocument } from './document';

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
