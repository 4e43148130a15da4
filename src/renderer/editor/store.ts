/**
 * The editor's state, in two stores:
 * - the document store holds the NetworkDocument, the single source of truth, with undo/redo (zundo's `temporal`);
 *   every edit goes through `edit()` (one undo step) and loading a template or file through `load()` (no undo step,
 *   history cleared);
 * - the view store holds what is not part of the document and never undone: selection, the positions of nodes being
 *   dragged, the example input, which overlays are open, the last refusal message.
 * React Flow's nodes and edges are derived from both (see derive.ts); nothing else holds a copy of the graph.
 */
import { sizeLimitProblem } from '../../core/limits';
import { create } from 'zustand';
import { temporal } from 'zundo';
import type { NetworkDocument, Position } from '../../core/document';
import { emptyDocument } from '../../core/document';
import type { EditResult } from '../../core/edit';

export interface DocumentState {
  doc: NetworkDocument;
}

/** What an edit function returns: the core's result, a new document, or null for "nothing to do". */
export type EditOutcome = EditResult | NetworkDocument | null;

export function createDocumentStore(initial: NetworkDocument = emptyDocument()) {
  return create<DocumentState>()(
    temporal(() => ({ doc: initial }), {
      limit: 500,
      // A set that leaves the document object untouched is no edit.
      equality: (past, current) => past.doc === current.doc,
    }),
  );
}

export type DocumentStore = ReturnType<typeof createDocumentStore>;

export interface Notice {
  kind: 'refused' | 'info';
  text: string;
  /** Increases with every notice, so the same text twice still shows again. */
  seq: number;
}

export interface ViewState {
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  /** Positions of nodes while they are dragged; written to the document (one undo step) when the drag ends. */
  dragPositions: Readonly<Record<string, Position>> | null;
  /** The example the network is run on: a value per feature name (a column of the data). Missing ones use defaults. */
  exampleValues: Readonly<Record<string, number>>;
  notice: Notice | null;
  searchOpen: boolean;
  /** The "connect to…" type-ahead (C) is open for the selected node. */
  connectOpen: boolean;
  helpOpen: boolean;
  templatesOpen: boolean;
  /** The start screen shows on an empty document until the user picks something or dismisses it. */
  startDismissed: boolean;
  snapToGrid: boolean;
  showMinimap: boolean;
  /** The last pointer position over the canvas, in flow coordinates: where the search box places a node. */
  cursor: Position | null;
  /** A node just added "at the centre of the view": once React Flow has measured it, its middle is put on `at`. */
  centreOnMeasure: { id: string; at: Position } | null;
}

export function createViewStore() {
  return create<ViewState>()(() => ({
    selectedNodes: new Set<string>(),
    selectedEdges: new Set<string>(),
    dragPositions: null,
    exampleValues: {},
    notice: null,
    searchOpen: false,
    connectOpen: false,
    helpOpen: false,
    templatesOpen: false,
    startDismissed: false,
    snapToGrid: true,
    showMinimap: true,
    cursor: null,
    centreOnMeasure: null,
  }));
}

export type ViewStore = ReturnType<typeof createViewStore>;

let noticeSeq = 0;

/** The editor: both stores plus the operations every part of the UI uses. */
export interface EditorStores {
  document: DocumentStore;
  view: ViewStore;
}

export function createEditorStores(initial?: NetworkDocument): EditorStores {
  return { document: createDocumentStore(initial), view: createViewStore() };
}

/** Show a message (a refused edit, or what just happened) at the bottom of the canvas. */
export function notify(stores: EditorStores, kind: Notice['kind'], text: string): void {
  stores.view.setState({ notice: { kind, text, seq: ++noticeSeq } });
}

/**
 * Apply one edit as one undo step. A refused edit changes nothing and shows its reason; returns whether it applied.
 */
export function edit(stores: EditorStores, fn: (doc: NetworkDocument) => EditOutcome): boolean {
  const before = stores.document.getState().doc;
  const outcome = fn(before);
  if (outcome === null) return false;
  if ('ok' in outcome) {
    if (!outcome.ok) {
      notify(stores, 'refused', outcome.reason);
      return false;
    }
    if (outcome.doc === before) return false;
    return apply(stores, before, outcome.doc);
  }
  if (outcome === before) return false;
  return apply(stores, before, outcome);
}

/** Take the edit, unless it grows the network past the size limit Netwright can show (then say so, change nothing). */
function apply(stores: EditorStores, before: NetworkDocument, next: NetworkDocument): boolean {
  const grows = next.nodes.length > before.nodes.length || next.edges.length > before.edges.length;
  const tooBig = grows ? sizeLimitProblem(next.nodes.length, next.edges.length) : undefined;
  if (tooBig) {
    notify(stores, 'refused', tooBig.message.replace(/^This network has/, 'This would make'));
    return false;
  }
  stores.document.setState({ doc: next });
  return true;
}

/**
 * Replace the document without a new undo step: a correction that belongs to the edit just made (a placed node
 * moved onto the centre once its size is known). Undo goes back to before that edit; redo brings the corrected one.
 */
export function amendLastEdit(stores: EditorStores, doc: NetworkDocument): void {
  const t = stores.document.temporal.getState();
  t.pause();
  stores.document.setState({ doc });
  t.resume();
}

/**
 * Change the document continuously (scrubbing a number) as a single undo step: `begin` remembers the document,
 * `update` replaces it without recording, `end` records one step from the remembered document to the last one.
 */
export function continuousEdit(stores: EditorStores) {
  const temporalStore = stores.document.temporal;
  let start: NetworkDocument | null = null;
  let last: NetworkDocument | null = null;
  return {
    begin() {
      start = stores.document.getState().doc;
      last = start;
    },
    update(fn: (doc: NetworkDocument) => EditOutcome): void {
      if (start === null) return;
      const outcome = fn(start);
      if (outcome === null) return;
      const next = 'ok' in outcome ? (outcome.ok ? outcome.doc : null) : outcome;
      if (next === null) {
        if ('ok' in outcome && !outcome.ok) notify(stores, 'refused', outcome.reason);
        return;
      }
      last = next;
      temporalStore.getState().pause();
      stores.document.setState({ doc: next });
      temporalStore.getState().resume();
    },
    end(): void {
      if (start === null || last === null) return;
      const final = last;
      temporalStore.getState().pause();
      stores.document.setState({ doc: start });
      temporalStore.getState().resume();
      if (final !== start) stores.document.setState({ doc: final });
      start = last = null;
    },
  };
}

/** Documents that came in through `load` (New, Open, a template, recovery) rather than by an edit. */
const freshLoads = new WeakSet<NetworkDocument>();

/** Whether this document object was put in place by `load` (not an edit): the trainer must forget the old one. */
export function isFreshLoad(doc: NetworkDocument): boolean {
  return freshLoads.has(doc);
}

/** Replace the document without an undo step (a template, a file, New), clearing history and selection. */
export function load(stores: EditorStores, doc: NetworkDocument): void {
  // The same object loaded twice (New on an empty document) is still a fresh start.
  if (stores.document.getState().doc === doc) doc = { ...doc };
  freshLoads.add(doc);
  const t = stores.document.temporal.getState();
  t.pause();
  stores.document.setState({ doc });
  t.resume();
  t.clear();
  stores.view.setState({
    selectedNodes: new Set(),
    selectedEdges: new Set(),
    dragPositions: null,
    exampleValues: {},
    startDismissed: true,
    templatesOpen: false,
    connectOpen: false,
  });
}

export function undo(stores: EditorStores): void {
  stores.document.temporal.getState().undo();
  pruneSelection(stores);
}

export function redo(stores: EditorStores): void {
  stores.document.temporal.getState().redo();
  pruneSelection(stores);
}

/** Drop selected ids that no longer exist (after undo, redo, delete). */
export function pruneSelection(stores: EditorStores): void {
  const { doc } = stores.document.getState();
  const { selectedNodes, selectedEdges } = stores.view.getState();
  const nodeIds = new Set(doc.nodes.map((n) => n.id));
  const edgeIds = new Set(doc.edges.map((e) => e.id));
  const nodes = [...selectedNodes].filter((id) => nodeIds.has(id));
  const edges = [...selectedEdges].filter((id) => edgeIds.has(id));
  if (nodes.length !== selectedNodes.size || edges.length !== selectedEdges.size) {
    stores.view.setState({ selectedNodes: new Set(nodes), selectedEdges: new Set(edges) });
  }
}

export function select(stores: EditorStores, nodeIds: Iterable<string>, edgeIds: Iterable<string> = []): void {
  stores.view.setState({ selectedNodes: new Set(nodeIds), selectedEdges: new Set(edgeIds) });
}
