/**
 * Random valid networks built from the table of kinds (src/core/kinds/index.ts), for the ONNX tests that must cover
 * every kind, present and future: Inputs over a few features, then a random DAG of the other kinds (units and
 * activations drawn where a kind has them), then an Output. Sources are reused on purpose, so a value often reaches a
 * node both directly and through a pass-through node (Dropout, a linear Activation), which an exporter turns into
 * `Identity`. Candidates that do not validate are dropped and the next one is drawn.
 */
import { ACTIVATION_NAMES, emptyDocument, type NetworkDocument, type NetworkEdge, type NetworkNode } from '../../../src/core/document';
import { KIND_LIST } from '../../../src/core/kinds';
import type { AnyKind } from '../../../src/core/kinds/kind';
import { createRng, type Rng } from '../../../src/core/random';
import { validateDocument } from '../../../src/core/validate';

const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng.next() * list.length)]!;
const int = (rng: Rng, min: number, max: number) => min + Math.floor(rng.next() * (max - min + 1));

const INNER = KIND_LIST.filter((k) => k.role === undefined && k.hasOutput);
const INPUT = KIND_LIST.find((k) => k.role === 'input')!;
const OUTPUT = KIND_LIST.find((k) => k.role === 'output')!;

function newNode(kind: AnyKind, id: string, rng: Rng, features: string[]): NetworkNode {
  const props = { ...(kind.defaults(id) as Record<string, unknown>) };
  if ('units' in props) props.units = int(rng, 1, 4);
  if ('activation' in props) props.activation = rng.next() < 0.3 ? 'linear' : pick(rng, ACTIVATION_NAMES);
  if ('features' in props) props.features = features;
  return { id, type: kind.type, name: id, position: { x: 0, y: 0 }, ...props } as NetworkNode;
}

/** One candidate (maybe invalid) from a seed. */
function candidate(seed: number): NetworkDocument {
  const rng = createRng(seed);
  const featureCount = int(rng, 1, 4);
  const features = Array.from({ length: featureCount }, (_, i) => `x${i + 1}`);
  const nodes: NetworkNode[] = [];
  const edges: NetworkEdge[] = [];
  const unread = new Set<string>();
  const connect = (source: string, target: string) => {
    edges.push({ id: `e${edges.length}`, source, target });
    unread.delete(source);
  };
  // one Input of all features, sometimes a second of one feature
  nodes.push(newNode(INPUT, 'in', rng, features));
  if (featureCount > 1 && rng.next() < 0.4) nodes.push(newNode(INPUT, 'in2', rng, [pick(rng, features)]));
  for (const n of nodes) unread.add(n.id);
  const inner = int(rng, 1, 6);
  for (let j = 0; j < inner; j++) {
    const kind = pick(rng, INNER);
    const id = `${kind.idPrefix}${j}`;
    const node = newNode(kind, id, rng, features);
    const max = Math.min(kind.maxInputs, 3);
    const count = int(rng, kind.minInputs, Math.max(kind.minInputs, max));
    const sources = new Set<string>();
    for (let k = 0; k < count; k++) {
      // prefer a value nothing reads yet, so most nodes reach the output
      const pool = unread.size > 0 && rng.next() < 0.6 ? [...unread] : nodes.map((n) => n.id);
      const free = pool.filter((s) => !sources.has(s));
      if (free.length === 0) break;
      sources.add(pick(rng, free));
    }
    nodes.push(node);
    for (const s of sources) connect(s, id);
    unread.add(id);
  }
  // the last node feeds the Output; anything still unread joins it through an Add or Concat where there is one
  const last = nodes[nodes.length - 1]!;
  nodes.push({ ...newNode(OUTPUT, 'out', rng, features), loss: 'mse', targets: [] } as NetworkNode);
  connect(last.id, 'out');
  const doc: NetworkDocument = { ...emptyDocument(`random ${seed}`), nodes, edges, training: { ...emptyDocument().training, seed } };
  const report = validateDocument(doc);
  const size = report.sizes[last.id];
  if (size !== undefined) (nodes[nodes.length - 1] as { targets: string[] }).targets = Array.from({ length: size }, (_, i) => `y${i + 1}`);
  return doc;
}

/** `count` valid random networks, drawn from `seed` on (candidates that do not validate are skipped). */
export function randomNetworks(count: number, seed: number): NetworkDocument[] {
  const out: NetworkDocument[] = [];
  for (let s = seed; out.length < count; s++) {
    if (s - seed > count * 200) throw new Error(`only ${out.length} of ${count} random networks validated; the generator needs a look`);
    const doc = candidate(s);
    if (validateDocument(doc).errors.length === 0) out.push(doc);
  }
  return out;
}

/** The kinds that appear in a list of networks. */
export function kindsIn(docs: readonly NetworkDocument[]): Set<string> {
  return new Set(docs.flatMap((d) => d.nodes.map((n) => n.type)));
}
