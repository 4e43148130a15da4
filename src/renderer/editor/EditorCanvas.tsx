/**
 * The canvas wired to the document: nodes and edges derived from it, every interaction turned into a command.
 * Keyboard shortcuts and the clipboard are handled here too, at the window level.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent as ReactMouseEvent, type PointerEvent as ReactPointerEvent } from 'react';
import {
  useConnection, useReactFlow, useStore, type Connection, type ReactFlowState, type EdgeChange, type FinalConnectionState, type IsValidConnection,
  type NodeChange, type XYPosition,
} from '@xyflow/react';
import type { NetworkDocument, NodeType, Position } from '../../core/document';
import { connect } from '../../core/edit';
import { Canvas, GRID_SIZE } from '../components/Canvas';
import { LiveOverlay } from '../live/LiveOverlay';
import { useAnalysis } from './analysis';
import { useEditor, useView } from './context';
import { createDeriver, estimatedSize, type Measured } from './derive';
import { isFileShortcut, shortcutFor } from './shortcuts';
import { edit, notify } from './store';
import type { NetworkFlowNode, WeightFlowEdge } from './types';
import { ConnectBox, SearchBox } from './SearchBox';
import { StartScreen } from './StartScreen';
import { HelpOverlay } from './HelpOverlay';
import { Notice } from './Notice';

/** Below this canvas size (px) the minimap is hidden. */
const MINIMAP_MIN_WIDTH = 640;
const MINIMAP_MIN_HEIGHT = 420;

/** Beyond this many nodes the canvas draws only what is in view, and opens a document fitted whole. */
const LARGE_NODES = 150;

/**
 * The smallest text inside a node (editor.css, live.css: kind labels, biases, live values) and the size it must have
 * on screen: a document opens at a zoom of at least READABLE_ZOOM, so every node's text reads at 11 px or more.
 */
export const MIN_NODE_FONT_PX = 12;
export const READABLE_TEXT_PX = 11;
export const READABLE_ZOOM = READABLE_TEXT_PX / MIN_NODE_FONT_PX;

/**
 * Fit a freshly opened network into view, but never below the readable zoom. When the readable zoom cannot show all
 * of it, each axis that does not fit starts at the network's near edge: the left (the inputs, where a network is read
 * from) and the top (so no name is cut there); an axis that fits is centred.
 */
export function readableViewport(
  canvas: { width: number; height: number },
  bounds: { x: number; y: number; width: number; height: number },
): { x: number; y: number; zoom: number } {
  const margin = 24;
  const fits = Math.min((canvas.width - 2 * margin) / bounds.width, (canvas.height - 2 * margin) / bounds.height);
  const zoom = fits >= READABLE_ZOOM ? Math.min(1.5, fits) : READABLE_ZOOM;
  const place = (size: number, start: number, extent: number) =>
    extent * zoom <= size ? (size - extent * zoom) / 2 - start * zoom : margin - start * zoom;
  return { x: place(canvas.width, bounds.x, bounds.width), y: place(canvas.height, bounds.y, bounds.height), zoom };
}

function openReadable(
  flow: ReturnType<typeof useReactFlow<NetworkFlowNode, WeightFlowEdge>>,
  pane: Element | null | undefined,
  bounds: { x: number; y: number; width: number; height: number },
): void {
  const width = pane?.clientWidth ?? 0;
  const height = pane?.clientHeight ?? 0;
  if (width === 0 || height === 0 || bounds.width === 0 || bounds.height === 0) {
    void flow.fitView({ padding: 0.2, maxZoom: 1.5 });
    return;
  }
  void flow.setViewport(readableViewport({ width, height }, bounds));
}

/** The box around every node of `doc`, each of the given size. */
function boundsOf(doc: NetworkDocument, sizeOf: (n: NetworkDocument['nodes'][number]) => Measured): { x: number; y: number; width: number; height: number } {
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const n of doc.nodes) {
    const size = sizeOf(n);
    left = Math.min(left, n.position.x);
    top = Math.min(top, n.position.y);
    right = Math.max(right, n.position.x + size.width);
    bottom = Math.max(bottom, n.position.y + size.height);
  }
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** Below this zoom the canvas is an overview: nodes are drawn without their text and shadows (see editor.css). */
export const OVERVIEW_ZOOM = 0.35;
const selectOverview = (s: ReactFlowState) => s.transform[2] < OVERVIEW_ZOOM;

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.closest('.nokey')) return true;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/** The id of the edge drawn at a screen point, if any (for dropping a node onto an edge). */
function edgeAtPoint(client: XYPosition): string | undefined {
  for (const el of document.elementsFromPoint(client.x, client.y)) {
    const edge = el.closest('.react-flow__edge');
    const id = edge?.getAttribute('data-id');
    if (id) return id;
  }
  return undefined;
}

/** While a connection is dragged over a node that cannot take it, says why. */
function ConnectionHint() {
  const connection = useConnection();
  const editor = useEditor();
  if (!connection.inProgress || !connection.toNode || !connection.fromHandle) return null;
  const fromIsSource = connection.fromHandle.type === 'source';
  const source = fromIsSource ? connection.fromNode.id : connection.toNode.id;
  const target = fromIsSource ? connection.toNode.id : connection.fromNode.id;
  const result = connect(editor.document.getState().doc, source, target);
  if (result.ok) return null;
  return (
    <div className="connection-hint" role="note" data-testid="connection-hint">
      <strong>Can’t connect.</strong> {result.reason}
    </div>
  );
}

export function EditorCanvas() {
  const editor = useEditor();
  const { actions } = editor;
  const flow = useReactFlow<NetworkFlowNode, WeightFlowEdge>();
  const { doc, report, run, example } = useAnalysis();
  const selectedNodes = useView((s) => s.selectedNodes);
  const selectedEdges = useView((s) => s.selectedEdges);
  const dragPositions = useView((s) => s.dragPositions);
  const snapToGrid = useView((s) => s.snapToGrid);
  const showMinimap = useView((s) => s.showMinimap);
  // The minimap hides when the canvas is small: there it covers the network it is meant to map.
  const [roomy, setRoomy] = useState(true);
  const canvasBox = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // (.editor-canvas is display: contents: measure the canvas element inside it.)
    const el = canvasBox.current?.firstElementChild;
    if (!el || typeof ResizeObserver === 'undefined') return;
    // (Unmeasured, 0 × 0, counts as roomy: the default view keeps its minimap.)
    const check = () =>
      setRoomy(el.clientWidth === 0 || (el.clientWidth >= MINIMAP_MIN_WIDTH && el.clientHeight >= MINIMAP_MIN_HEIGHT));
    check();
    const observer = new ResizeObserver(check);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const searchOpen = useView((s) => s.searchOpen);
  const connectOpen = useView((s) => s.connectOpen);

  const measured = useRef(new Map<string, Measured>());
  const [measureVersion, setMeasureVersion] = useState(0);
  const deriver = useMemo(() => createDeriver(), []);
  const large = doc.nodes.length > LARGE_NODES;
  const { nodes, edges } = useMemo(
    () => deriver({ doc, report, run, example, selectedNodes, selectedEdges, dragPositions, measured: measured.current, estimate: large }),
    // measureVersion: re-derive when React Flow measured a node
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [deriver, doc, report, run, example, selectedNodes, selectedEdges, dragPositions, measureVersion, large],
  );

  const onNodesChange = useCallback((changes: NodeChange<NetworkFlowNode>[]) => {
    let select: Set<string> | null = null;
    let drag: Record<string, Position> | null = null;
    let finished: Record<string, Position> | null = null;
    let measuredChanged = false;
    const view = editor.view.getState();
    for (const change of changes) {
      if (change.type === 'select') {
        select ??= new Set(view.selectedNodes);
        if (change.selected) select.add(change.id);
        else select.delete(change.id);
      } else if (change.type === 'position') {
        if (change.dragging) {
          drag ??= { ...(view.dragPositions ?? {}) };
          if (change.position) drag[change.id] = change.position;
        } else {
          finished ??= { ...(view.dragPositions ?? {}) };
          if (change.position) finished[change.id] = change.position;
        }
      } else if (change.type === 'dimensions' && change.dimensions) {
        const m = measured.current.get(change.id);
        if (!m || m.width !== change.dimensions.width || m.height !== change.dimensions.height) {
          measured.current.set(change.id, { width: change.dimensions.width, height: change.dimensions.height });
          measuredChanged = true;
        }
      }
    }
    if (select) editor.view.setState({ selectedNodes: select });
    if (drag) editor.view.setState({ dragPositions: drag });
    if (finished) {
      // The end of a drag is committed by onNodeDragStop (which knows where the pointer let go); a move without a
      // drag (arrow keys) is committed here.
      if (view.dragPositions === null) actions.commitPositions(finished);
      else editor.view.setState({ dragPositions: finished });
    }
    if (measuredChanged) {
      if (editor.view.getState().centreOnMeasure) actions.centreMeasured((id) => measured.current.get(id));
      setMeasureVersion((v) => v + 1);
    }
  }, [editor, actions]);

  const onNodeDragStop = useCallback((event: MouseEvent | TouchEvent, _node: NetworkFlowNode, dragged: NetworkFlowNode[]) => {
    const pending = editor.view.getState().dragPositions;
    if (!pending) return;
    // One loose node let go over an edge goes into that connection.
    let dropOnEdge: { nodeId: string; edgeId: string } | undefined;
    if (dragged.length === 1) {
      const nodeId = dragged[0]!.id;
      const loose = !editor.document.getState().doc.edges.some((e) => e.source === nodeId || e.target === nodeId);
      const point = 'changedTouches' in event ? event.changedTouches[0] : event;
      const edgeId = loose && point ? edgeAtPoint({ x: point.clientX, y: point.clientY }) : undefined;
      if (edgeId) dropOnEdge = { nodeId, edgeId };
    }
    actions.commitPositions(pending, dropOnEdge);
    editor.view.setState({ dragPositions: null });
  }, [editor, actions]);

  const onEdgesChange = useCallback((changes: EdgeChange<WeightFlowEdge>[]) => {
    let select: Set<string> | null = null;
    for (const change of changes) {
      if (change.type !== 'select') continue;
      select ??= new Set(editor.view.getState().selectedEdges);
      if (change.selected) select.add(change.id);
      else select.delete(change.id);
    }
    if (select) editor.view.setState({ selectedEdges: select });
  }, [editor]);

  const onConnect = useCallback((c: Connection) => {
    edit(editor, (d) => connect(d, c.source, c.target));
  }, [editor]);

  const isValidConnection: IsValidConnection<WeightFlowEdge> = useCallback(
    (c) => connect(editor.document.getState().doc, c.source, c.target).ok,
    [editor],
  );

  const onConnectEnd = useCallback((_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    if (!state.toNode || !state.fromHandle || state.isValid) return;
    const fromIsSource = state.fromHandle.type === 'source';
    const source = fromIsSource ? state.fromNode!.id : state.toNode.id;
    const target = fromIsSource ? state.toNode.id : state.fromNode!.id;
    const result = connect(editor.document.getState().doc, source, target);
    if (!result.ok) notify(editor, 'refused', result.reason);
  }, [editor]);

  const onDropNodeType = useCallback((type: NodeType, position: XYPosition, client: XYPosition) => {
    actions.place(type, position, edgeAtPoint(client));
  }, [actions]);

  const onPointerMove = useCallback((event: ReactPointerEvent) => {
    const cursor = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
    editor.view.setState({ cursor });
  }, [flow, editor]);

  const onDoubleClick = useCallback((event: ReactMouseEvent) => {
    if (!(event.target instanceof Element) || !event.target.classList.contains('react-flow__pane')) return;
    editor.view.setState({ cursor: flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }) });
    actions.openSearch();
  }, [editor, flow, actions]);

  const fit = useCallback(() => void flow.fitView({ padding: 0.15, maxZoom: 1.5, duration: 200 }), [flow]);

  // Keyboard shortcuts, for the whole window except while typing.
  useEffect(() => {
    let pendingPaste: number | null = null;
    const onKeyDown = (event: KeyboardEvent) => {
      if (isTypingTarget(event.target)) return;
      const id = shortcutFor(event);
      if (!id || isFileShortcut(id)) return; // File shortcuts: src/renderer/files
      const view = editor.view.getState();
      if ((view.searchOpen || view.helpOpen || view.connectOpen) && id !== 'deselect' && id !== 'help') return;
      switch (id) {
        case 'undo': actions.undo(); break;
        case 'redo': actions.redo(); break;
        case 'delete': actions.deleteSelection(); break;
        case 'copy': {
          const text = actions.copy();
          if (text !== null) void navigator.clipboard?.writeText(text).catch(() => undefined);
          return; // the browser's copy event also fires, and carries the same text
        }
        case 'cut': {
          const text = actions.cut();
          if (text !== null) void navigator.clipboard?.writeText(text).catch(() => undefined);
          return;
        }
        case 'paste':
          // The paste event (system clipboard) normally follows; without one, read the clipboard or the app's copy.
          pendingPaste = window.setTimeout(() => {
            pendingPaste = null;
            const read = navigator.clipboard?.readText?.();
            if (!read) return void actions.paste(null);
            read.then((text) => actions.paste(text), () => actions.paste(null));
          }, 0);
          return;
        case 'duplicate': actions.duplicate(); break;
        case 'selectAll': actions.selectAll(); break;
        case 'deselect':
          if (view.searchOpen || view.helpOpen || view.templatesOpen || view.connectOpen) {
            editor.view.setState({ searchOpen: false, helpOpen: false, templatesOpen: false, connectOpen: false });
          }
          else actions.clearSelection();
          break;
        case 'search': actions.openSearch(); break;
        case 'connect': actions.openConnect(); break;
        case 'expand': actions.expandOrCollapse(); break;
        case 'initialise': actions.initialiseWeights(); break;
        case 'layout':
          void actions.autoLayout((nodeId) => measured.current.get(nodeId), GRID_SIZE).then((ok) => { if (ok) window.setTimeout(fit, 30); });
          break;
        case 'fit': fit(); break;
        case 'zoomIn': void flow.zoomIn({ duration: 120 }); break;
        case 'zoomOut': void flow.zoomOut({ duration: 120 }); break;
        case 'snap': actions.toggleSnap(); break;
        case 'minimap': actions.toggleMinimap(); break;
        case 'help': actions.toggleHelp(); break;
      }
      event.preventDefault();
    };
    const onPaste = (event: ClipboardEvent) => {
      if (isTypingTarget(event.target)) return;
      if (pendingPaste !== null) {
        window.clearTimeout(pendingPaste);
        pendingPaste = null;
      }
      event.preventDefault();
      actions.paste(event.clipboardData?.getData('text/plain') ?? null);
    };
    const onCopy = (event: ClipboardEvent) => {
      if (isTypingTarget(event.target)) return;
      const text = actions.copy();
      if (text === null || !event.clipboardData) return;
      event.clipboardData.setData('text/plain', text);
      event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    document.addEventListener('paste', onPaste);
    document.addEventListener('copy', onCopy);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('paste', onPaste);
      document.removeEventListener('copy', onCopy);
      if (pendingPaste !== null) window.clearTimeout(pendingPaste);
    };
  }, [editor, actions, flow, fit]);

  // A freshly loaded document (template, New) is fitted into view once its nodes are measured.
  const fittedDoc = useRef<unknown>(null);
  const history = editor.document.temporal;
  useEffect(() => {
    const pastEmpty = history.getState().pastStates.length === 0 && history.getState().futureStates.length === 0;
    if (!pastEmpty || fittedDoc.current === doc || doc.nodes.length === 0) return;
    // A large document is placed from estimated sizes: only the nodes in view are ever drawn (and measured).
    const isLarge = doc.nodes.length > LARGE_NODES;
    if (!isLarge && !doc.nodes.every((n) => measured.current.has(n.id))) return;
    fittedDoc.current = doc;
    const sizeOf = (n: NetworkDocument['nodes'][number]) => measured.current.get(n.id) ?? estimatedSize(n.type);
    openReadable(flow, canvasBox.current?.firstElementChild, boundsOf(doc, sizeOf));
  }, [doc, measureVersion, flow, history]);

  const overview = useStore(selectOverview);
  const flowProps = useMemo(() => ({
    onNodesChange,
    onEdgesChange,
    onConnect,
    onConnectEnd,
    isValidConnection,
    onNodeDragStop,
    deleteKeyCode: null,
    selectionKeyCode: 'Shift',
    multiSelectionKeyCode: ['Control', 'Meta', 'Shift'],
    zoomOnDoubleClick: false,
    disableKeyboardA11y: false,
    elevateEdgesOnSelect: true,
    onlyRenderVisibleElements: large,
    className: overview ? 'nw-overview' : undefined,
    connectionRadius: 28,
  }), [onNodesChange, onEdgesChange, onConnect, onConnectEnd, isValidConnection, onNodeDragStop, large, overview]);

  return (
    <div className="editor-canvas" ref={canvasBox} onPointerMove={onPointerMove} onDoubleClick={onDoubleClick}>
      <Canvas<NetworkFlowNode, WeightFlowEdge>
        nodes={nodes}
        edges={edges}
        onDropNodeType={onDropNodeType}
        flowProps={flowProps}
        snapToGrid={snapToGrid}
        showMinimap={showMinimap && roomy}
        emptyHint="Drag a node from the palette, or double-click here and type its name."
      >
        <ConnectionHint />
        {searchOpen && <SearchBox />}
        {connectOpen && <ConnectBox />}
        <StartScreen />
        <HelpOverlay />
        <Notice />
        <LiveOverlay />
      </Canvas>
    </div>
  );
}
