/**
 * The editor's user actions, shared by keyboard shortcuts, the toolbar, the inspector and the help overlay.
 * Each one is a command on the stores (store.edit: one undo step) or a view change (not undoable).
 */
import type { NetworkDocument, NodeType, Position } from '../../core/document';
import { emptyDocument } from '../../core/document';
import { nextUnusedFeature } from '../../core/bind';
import { featureLabel } from '../../core/data';
import { connect } from '../../core/edit';
import { collapseNeurons, expandDense } from '../../core/expand';
import { findTemplate } from '../../core/templates';
import {
  copySelection, deleteElements, initialiseWeights, insertExistingOnEdge, insertOnEdge, moveNodes, parseClipboard, pasteContent, placeNode,
} from './commands';
import { layoutPositions, type Size } from './layout';
import { amendLastEdit, edit, load, notify, pruneSelection, redo, select, undo, type EditorStores } from './store';

/** The in-app clipboard: used when the system clipboard cannot be read (no permission, no user gesture). */
let appClipboard: string | null = null;

/** Where a new node's top-left goes so that the node's middle lands on the point. */
const PLACE_OFFSET = { x: 60, y: 32 };

/** The shift that puts the top-left of `positions` at the cursor, snapped to the grid; null without a cursor. */
function offsetToCursor(positions: readonly Position[], cursor: Position | null): Position | null {
  if (!cursor || positions.length === 0) return null;
  const left = Math.min(...positions.map((p) => p.x));
  const top = Math.min(...positions.map((p) => p.y));
  const snap = (v: number) => Math.round(v / 16) * 16;
  return { x: snap(cursor.x) - left, y: snap(cursor.y) - top };
}

/**
 * A new Input reads the first of the data's features no other Input reads (named after it when that name is free);
 * without data, or with every feature read, it keeps its own name as its feature.
 */
function readNextFeature(doc: NetworkDocument, nodeId: string): NetworkDocument {
  const others = { ...doc, nodes: doc.nodes.filter((n) => n.id !== nodeId) };
  const next = nextUnusedFeature(others);
  if (next === undefined) return doc;
  const label = doc.data.kind === 'builtin' ? featureLabel(next) : next;
  const nameFree = !doc.nodes.some((n) => n.id !== nodeId && (n.name === label || n.id === label));
  return {
    ...doc,
    nodes: doc.nodes.map((n) => (n.id === nodeId && n.type === 'input' ? { ...n, features: [next], ...(nameFree ? { name: label } : {}) } : n)),
  };
}

export function createActions(stores: EditorStores) {
  const doc = (): NetworkDocument => stores.document.getState().doc;
  const view = () => stores.view.getState();

  const actions = {
    undo: () => undo(stores),
    redo: () => redo(stores),

    newDocument: () => load(stores, emptyDocument()),
    loadTemplate(id: string): void {
      const template = findTemplate(id);
      if (!template) return notify(stores, 'refused', `There is no template "${id}".`);
      load(stores, template.build());
    },

    /**
     * A palette add at the centre of the view: placed there, and once measured, moved so that its middle is exactly
     * on `at` (still the same undo step).
     */
    placeCentred(type: NodeType, at: Position): boolean {
      const ok = actions.place(type, at);
      const [id] = view().selectedNodes;
      if (ok && id) stores.view.setState({ centreOnMeasure: { id, at } });
      return ok;
    },

    /** Once the node waiting to be centred has a size: put its middle on the point it was added at. */
    centreMeasured(sizeOf: (id: string) => Size | undefined): void {
      const pending = view().centreOnMeasure;
      if (!pending) return;
      const size = sizeOf(pending.id);
      if (!size) return;
      stores.view.setState({ centreOnMeasure: null });
      const d = doc();
      const node = d.nodes.find((n) => n.id === pending.id);
      if (!node) return;
      const position = { x: Math.round(pending.at.x - size.width / 2), y: Math.round(pending.at.y - size.height / 2) };
      if (position.x === node.position.x && position.y === node.position.y) return;
      const moved = moveNodes(d, { [pending.id]: position });
      if (moved) amendLastEdit(stores, moved);
    },

    /** A palette drop or a search-box pick: on an edge when `edgeId` is given, else free. Selects the new node. */
    place(type: NodeType, at: Position, edgeId?: string): boolean {
      const position = { x: at.x - PLACE_OFFSET.x, y: at.y - PLACE_OFFSET.y };
      let placed: string | null = null;
      const ok = edit(stores, (d) => {
        const r = edgeId ? insertOnEdge(d, type, position, edgeId) : placeNode(d, type, position);
        if (!r.ok) return r;
        placed = r.nodeId;
        return type === 'input' ? readNextFeature(r.doc, r.nodeId) : r;
      });
      if (ok && placed) select(stores, [placed]);
      return ok;
    },

    deleteSelection(): void {
      const { selectedNodes, selectedEdges } = view();
      if (edit(stores, (d) => deleteElements(d, [...selectedNodes], [...selectedEdges]))) pruneSelection(stores);
    },

    selectAll(): void {
      const d = doc();
      select(stores, d.nodes.map((n) => n.id), d.edges.map((e) => e.id));
    },

    clearSelection: () => select(stores, []),

    /** The selection as JSON text, also kept in the app (so paste works without clipboard permission). */
    copy(): string | null {
      const text = copySelection(doc(), view().selectedNodes);
      if (text === null) return null;
      appClipboard = text;
      return text;
    },

    cut(): string | null {
      const text = actions.copy();
      if (text !== null) actions.deleteSelection();
      return text;
    },

    /**
     * Paste text from the system clipboard, or the app's own clipboard when none is given. The pasted nodes go where
     * the pointer last was on the canvas (their top-left corner there), else 48 units down and right of the copies.
     */
    paste(text?: string | null, offset?: Position): boolean {
      const source = text && text.trim() !== '' ? text : appClipboard;
      if (!source) {
        notify(stores, 'refused', 'Nothing to paste: copy some nodes first.');
        return false;
      }
      const parsed = parseClipboard(source);
      if (!parsed.ok) {
        if (source !== appClipboard && appClipboard) return actions.paste(appClipboard, offset);
        notify(stores, 'refused', parsed.reason);
        return false;
      }
      const shift = offset ?? offsetToCursor(parsed.content.nodes.map((n) => n.position), view().cursor) ?? { x: 48, y: 48 };
      let ids: { nodes: string[]; edges: string[] } | null = null;
      const ok = edit(stores, (d) => {
        const r = pasteContent(d, parsed.content, shift);
        if (r.ok) ids = { nodes: r.nodeIds, edges: r.edgeIds };
        return r;
      });
      if (ok && ids) select(stores, (ids as { nodes: string[] }).nodes, (ids as { edges: string[] }).edges);
      return ok;
    },

    duplicate(): void {
      const text = copySelection(doc(), view().selectedNodes);
      if (text !== null) actions.paste(text, { x: 48, y: 48 });
    },

    /** Expand the selected Dense layer into neurons, or collapse the selected neurons into a layer. */
    expandOrCollapse(): void {
      const d = doc();
      const ids = [...view().selectedNodes];
      const nodes = ids.map((id) => d.nodes.find((n) => n.id === id)).filter((n) => n !== undefined);
      if (nodes.length === 1 && nodes[0]!.type === 'dense') return actions.expand(nodes[0]!.id);
      if (nodes.length > 0 && nodes.every((n) => n.type === 'neuron')) return actions.collapse(ids);
      notify(stores, 'refused', 'Select a Dense layer to expand it, or its neurons to collapse them into a layer.');
    },

    expand(denseId: string): void {
      let neurons: string[] = [];
      const ok = edit(stores, (d) => {
        const r = expandDense(d, denseId);
        if (r.ok) neurons = r.neuronIds;
        return r;
      });
      if (ok) select(stores, neurons);
    },

    collapse(neuronIds: readonly string[]): void {
      let dense = '';
      const ok = edit(stores, (d) => {
        const r = collapseNeurons(d, neuronIds);
        if (r.ok) dense = r.denseId;
        return r;
      });
      if (ok) select(stores, [dense]);
    },

    initialiseWeights(): void {
      if (edit(stores, initialiseWeights)) notify(stores, 'info', 'Missing weights and biases initialised.');
    },

    /** The end of a drag: the moves, and (when one loose node was dropped onto an edge) its insertion, as one step. */
    commitPositions(positions: Readonly<Record<string, Position>>, dropOnEdge?: { nodeId: string; edgeId: string }): void {
      edit(stores, (d) => {
        const moved = moveNodes(d, positions) ?? d;
        if (!dropOnEdge) return moved === d ? null : moved;
        const inserted = insertExistingOnEdge(moved, dropOnEdge.nodeId, dropOnEdge.edgeId);
        return inserted.ok ? inserted : moved === d ? null : moved; // a drop that cannot insert is still a move
      });
    },

    async autoLayout(sizeOf: (id: string) => Size | undefined, grid: number): Promise<boolean> {
      const before = doc();
      if (before.nodes.length === 0) return false;
      const positions = await layoutPositions(before, sizeOf, grid);
      if (doc() !== before) return false; // edited meanwhile: do not overwrite
      return edit(stores, (d) => moveNodes(d, positions));
    },

    toggleSnap: () => stores.view.setState((s) => ({ snapToGrid: !s.snapToGrid })),
    toggleMinimap: () => stores.view.setState((s) => ({ showMinimap: !s.showMinimap })),
    openSearch: () => stores.view.setState({ searchOpen: true, connectOpen: false, helpOpen: false, templatesOpen: false }),
    /** C: connect the one selected node to another, picked by name in a type-ahead. */
    openConnect(): void {
      const selected = [...view().selectedNodes];
      if (selected.length !== 1) {
        notify(stores, 'refused', 'Select one node, then press C to connect it to another by name.');
        return;
      }
      stores.view.setState({ connectOpen: true, searchOpen: false, helpOpen: false, templatesOpen: false });
    },
    closeConnect: () => stores.view.setState({ connectOpen: false }),
    /** Connect `source` to `target` (one undo step); a refusal says why. Selects the new edge. */
    connectTo(source: string, target: string): boolean {
      let edgeId: string | null = null;
      const ok = edit(stores, (d) => {
        const r = connect(d, source, target);
        if (r.ok) edgeId = r.edge.id;
        return r;
      });
      if (ok && edgeId) select(stores, [source], [edgeId]);
      return ok;
    },
    closeSearch: () => stores.view.setState({ searchOpen: false }),
    toggleHelp: () => stores.view.setState((s) => ({ helpOpen: !s.helpOpen, searchOpen: false, connectOpen: false, templatesOpen: false })),
    toggleTemplates: () => stores.view.setState((s) => ({ templatesOpen: !s.templatesOpen, helpOpen: false, searchOpen: false })),
    dismissStart: () => stores.view.setState({ startDismissed: true }),
  };
  return actions;
}

export type EditorActions = ReturnType<typeof createActions>;
