import { featureColumn } from '../../core/data/features';
import { useDataColumns } from '../editor/dataBinding';
import { memo, useMemo, type ComponentType } from 'react';
import { Boxes, MousePointerClick, Sparkles, Trash2 } from 'lucide-react';
import {
  ACTIVATION_NAMES, INITIALIZER_NAMES, LOSS_NAMES, type ActivationName, type InitializerName, type LossName,
  type NetworkDocument, type NetworkNode,
} from '../../core/document';
import { setEdgeWeight, setNodeField } from '../../core/edit';
import { edgeBlockShape, nodeLabel } from '../../core/graph';
import { NODE_TYPES } from '../../core/nodes';
import { useAnalysis } from '../editor/analysis';
import { useEditor, useView } from '../editor/context';
import { CheckField, NumberField, SelectField, TextField } from '../editor/fields';
import { ACTIVATION_LABELS, INITIALIZER_LABELS, LOSS_LABELS } from '../editor/labels';
import { EDITOR_NODE_TYPES, type FieldSpec } from '../editor/registry';
import { rendererKind } from '../kinds';
import { continuousEdit, edit, type EditOutcome } from '../editor/store';
import { formatValue } from '../editor/trace';
import { useLiveWeightText } from '../live/hooks';
import { Problems } from './Problems';
import './Inspector.css';

const ACTIVATION_OPTIONS = ACTIVATION_NAMES.map((value) => ({ value, label: ACTIVATION_LABELS[value] }));
const LOSS_OPTIONS = LOSS_NAMES.map((value) => ({ value, label: LOSS_LABELS[value] }));
const INITIALIZER_OPTIONS = INITIALIZER_NAMES.map((value) => ({ value, label: INITIALIZER_LABELS[value] }));

/** Apply an edit; return the refusal reason (shown under the field) or null. */
function useCommit() {
  const editor = useEditor();
  return (fn: (doc: NetworkDocument) => EditOutcome): string | null => {
    const outcome = fn(editor.document.getState().doc);
    if (outcome !== null && 'ok' in outcome && !outcome.ok) return outcome.reason;
    edit(editor, () => outcome);
    return null;
  };
}

function useScrub(fn: (doc: NetworkDocument, value: number) => EditOutcome) {
  const editor = useEditor();
  return useMemo(() => {
    const c = continuousEdit(editor);
    return { begin: c.begin, end: c.end, update: (value: number) => c.update((doc) => fn(doc, value)) };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- fn is rebuilt each render; its inputs are the deps below
  }, [editor]);
}

function splitNames(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** "3×3", "3x3", "3, 3" or "3" (meaning 3×3 when two are wanted) to whole numbers; empty: undefined. */
export function parseDims(text: string, count: number | undefined): number[] | undefined | string {
  const parts = text.split(/[×x*,\s]+/i).map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 0) return undefined;
  const nums = parts.map(Number);
  if (nums.some((n) => !Number.isInteger(n) || n < 1)) return `"${text}" is not a list of whole numbers of at least 1 (e.g. 3×3).`;
  if (count !== undefined && nums.length === 1) return new Array<number>(count).fill(nums[0]!);
  if (count !== undefined && nums.length !== count) return `Give ${count} whole numbers, like ${new Array(count).fill(3).join('×')}.`;
  if (nums.length > 3) return 'Give at most 3 numbers: height, width, channels.';
  return nums;
}

function NodeField({ node, spec }: { node: NetworkNode; spec: FieldSpec }) {
  const commit = useCommit();
  const set = (value: unknown) => commit((doc) => setNodeField(doc, node.id, spec.key, value));
  const scrub = useScrub((doc, value) => setNodeField(doc, node.id, spec.key, value));
  const current = (node as unknown as Record<string, unknown>)[spec.key];
  const columns = useDataColumns();
  // An Input's features as typed ("x²", "sin x") become the data's own column names ("x2", "sinx").
  const canonical = (names: string[]) =>
    node.type === 'input' && spec.key === 'features' && columns
      ? names.map((n) => columns.features[featureColumn(columns.features, n)] ?? n)
      : names;
  switch (spec.kind) {
    case 'text':
      return <TextField label={spec.label} value={String(current ?? '')} onCommit={(v) => (v.trim() === '' ? 'A name cannot be empty.' : set(v.trim()))} />;
    case 'number':
      return <NumberField label={spec.label} value={current as number} step={spec.step} min={spec.min} max={spec.max} hint={spec.hint} onCommit={set} scrub={scrub} />;
    case 'integer':
      return <NumberField label={spec.label} value={current as number} step={1} integer min={spec.min} max={spec.max} hint={spec.hint} onCommit={set} />;
    case 'activation':
      return <SelectField<ActivationName> label={spec.label} value={current as ActivationName} options={ACTIVATION_OPTIONS} onCommit={set} />;
    case 'loss':
      return <SelectField<LossName> label={spec.label} value={current as LossName} options={LOSS_OPTIONS} onCommit={set} />;
    case 'boolean':
      return <CheckField label={spec.label} value={Boolean(current)} onCommit={set} />;
    case 'dims': {
      const dims = Array.isArray(current) ? (current as number[]) : undefined;
      return (
        <TextField
          label={spec.label}
          value={dims ? dims.join('×') : ''}
          hint={spec.hint}
          onCommit={(v) => {
            const parsed = parseDims(v, spec.count);
            if (typeof parsed === 'string') return parsed;
            if (parsed === undefined && !spec.optional) return `${spec.label} needs ${spec.count ?? 'some'} whole numbers.`;
            return set(parsed);
          }}
        />
      );
    }
    case 'choice':
      return <SelectField<string> label={spec.label} value={String(current)} options={spec.options} onCommit={set} />;
    case 'names':
      return (
        <TextField
          label={spec.label}
          value={(current as string[]).join(', ')}
          hint={spec.hint}
          onCommit={(v) => (splitNames(v).length === 0 ? `${spec.label} needs at least one name.` : set(canonical(splitNames(v))))}
        />
      );
  }
}

function Values({ nodeId }: { nodeId: string }) {
  const { run } = useAnalysis();
  if (!run.ok) return <p className="inspector-note">{run.reason}</p>;
  const v = run.values[nodeId];
  if (!v) return null;
  const list = (xs: number[]) => (xs.length === 1 ? formatValue(xs[0]!) : `[${xs.slice(0, 8).map(formatValue).join(', ')}${xs.length > 8 ? ', …' : ''}]`);
  return (
    <dl className="inspector-values" data-testid="inspector-values">
      {v.z && <div><dt>z</dt><dd>{list(v.z)}</dd></div>}
      <div><dt>a</dt><dd data-testid="inspector-a">{list(v.a)}</dd></div>
    </dl>
  );
}

function NodeInspector({ node }: { node: NetworkNode }) {
  const { report } = useAnalysis();
  const info = NODE_TYPES[node.type];
  const problems = [...report.errors, ...report.warnings].filter((p) => p.nodeIds.includes(node.id));
  const shape = report.shapes[node.id];
  const size = shape === undefined ? undefined : shape.length === 1 ? String(shape[0]) : `[${shape.join(' × ')}]`;
  const Extra = rendererKind(node.type).Inspector as ComponentType<{ node: NetworkNode }> | undefined;
  return (
    <div className="inspector-body">
      <div className="inspector-head">
        <span className="inspector-kind">{info.label}</span>
        <span className="inspector-size" title="Output size">{size === undefined ? 'size ?' : `output size ${size}`}</span>
      </div>
      {problems.map((p, i) => (
        <p key={i} className={`inspector-problem ${p.severity}`}>{p.message}</p>
      ))}
      <section className="inspector-section" aria-label="Settings">
        {EDITOR_NODE_TYPES[node.type].fields.map((spec) => <NodeField key={`${node.id}-${spec.key}`} node={node} spec={spec} />)}
      </section>
      {Extra && <Extra node={node} />}
      {rendererKind(node.type).showsValues && (
        <section className="inspector-section" aria-label="Values on the example">
          <h3 className="inspector-section-title">On the example</h3>
          <Values nodeId={node.id} />
        </section>
      )}
    </div>
  );
}

function EdgeInspector({ edgeId }: { edgeId: string }) {
  const { doc, report } = useAnalysis();
  const commit = useCommit();
  const scrub = useScrub((d, value) => setEdgeWeight(d, edgeId, 0, value));
  // While training runs the trainer's weight moves on; the document takes it when training pauses.
  const live = useLiveWeightText(edgeId, formatValue);
  const edge = doc.edges.find((e) => e.id === edgeId);
  if (!edge) return null;
  const analysis = report.analysis;
  const from = analysis.nodesById[edge.source];
  const to = analysis.nodesById[edge.target];
  const shape = edgeBlockShape(analysis, edge);
  const weighted = to !== undefined && NODE_TYPES[to.type].weighted;
  return (
    <div className="inspector-body">
      <div className="inspector-head">
        <span className="inspector-kind">Connection</span>
      </div>
      <p className="inspector-route">{nodeLabel(from)} → {nodeLabel(to)}</p>
      {!weighted && <p className="inspector-note">This connection passes values on unchanged: only connections into a Neuron or a Dense layer have weights.</p>}
      {weighted && shape && shape.rows * shape.cols === 1 && (
        <section className="inspector-section">
          <NumberField
            label="Weight"
            value={edge.weights?.[0]}
            step={0.01}
            hint="What the source's value is multiplied by."
            onCommit={(v) => commit((d) => setEdgeWeight(d, edgeId, 0, v))}
            scrub={scrub}
          />
          {live !== '' && (edge.weights === undefined || live !== formatValue(edge.weights[0]!)) && (
            <p className="inspector-note" data-testid="live-weight">Training has it at {live} now; it is written here when training pauses.</p>
          )}
        </section>
      )}
      {weighted && shape && shape.rows * shape.cols > 1 && (
        <p className="inspector-note">
          A block of {shape.rows}×{shape.cols} = {shape.rows * shape.cols} weights
          {edge.weights ? '.' : ', not set yet: they are initialised when training starts (or press I).'}
          {' '}Expand the layer into neurons to set single weights.
        </p>
      )}
      {weighted && !shape && <p className="inspector-note">The size of this connection is not known yet: fix the errors on its nodes first.</p>}
    </div>
  );
}

function SelectionInspector({ ids }: { ids: string[] }) {
  const { actions } = useEditor();
  const { doc } = useAnalysis();
  const nodes = ids.map((id) => doc.nodes.find((n) => n.id === id)).filter((n) => n !== undefined);
  const allNeurons = nodes.length > 1 && nodes.every((n) => n.type === 'neuron');
  return (
    <div className="inspector-body">
      <div className="inspector-head"><span className="inspector-kind">{nodes.length} nodes selected</span></div>
      <p className="inspector-note">{nodes.map((n) => n.name).slice(0, 12).join(', ')}{nodes.length > 12 ? ', …' : ''}</p>
      {allNeurons && (
        <button type="button" className="inspector-button" onClick={() => actions.collapse(ids)}>
          <Boxes size={15} aria-hidden /> Collapse into a layer <kbd>E</kbd>
        </button>
      )}
      <button type="button" className="inspector-button" onClick={actions.deleteSelection}>
        <Trash2 size={15} aria-hidden /> Delete <kbd>Del</kbd>
      </button>
    </div>
  );
}

function NetworkInspector() {
  const { doc } = useAnalysis();
  const { actions } = useEditor();
  const commit = useCommit();
  return (
    <div className="inspector-body">
      <div className="inspector-empty">
        <MousePointerClick className="inspector-empty-icon" size={28} strokeWidth={1.6} aria-hidden />
        <p className="inspector-empty-title">Nothing selected</p>
        <p className="inspector-empty-hint">Select a node or an edge on the canvas to see and edit its settings, weights and gradients.</p>
      </div>
      {doc.nodes.length > 0 && (
        <section className="inspector-section" aria-label="Network">
          <h3 className="inspector-section-title">Network</h3>
          <TextField label="Name" value={doc.name} onCommit={(v) => (v.trim() === '' ? 'A name cannot be empty.' : commit((d) => ({ ...d, name: v.trim() })))} />
          <SelectField<InitializerName>
            label="Initialiser"
            value={doc.training.initializer}
            options={INITIALIZER_OPTIONS}
            onCommit={(v) => commit((d) => ({ ...d, training: { ...d.training, initializer: v } }))}
          />
          <button type="button" className="inspector-button" onClick={actions.initialiseWeights}>
            <Sparkles size={15} aria-hidden /> Initialise missing weights <kbd>I</kbd>
          </button>
        </section>
      )}
    </div>
  );
}

/** The right-hand panel: the selection's settings (or the network's), then the problems list. */
export const Inspector = memo(function Inspector() {
  const selectedNodes = useView((s) => s.selectedNodes);
  const selectedEdges = useView((s) => s.selectedEdges);
  const { doc } = useAnalysis();
  const nodeIds = [...selectedNodes];
  const node = nodeIds.length === 1 ? doc.nodes.find((n) => n.id === nodeIds[0]) : undefined;
  let body;
  if (node) body = <NodeInspector key={node.id} node={node} />;
  else if (nodeIds.length > 1) body = <SelectionInspector ids={nodeIds} />;
  else if (selectedEdges.size === 1) body = <EdgeInspector key={[...selectedEdges][0]} edgeId={[...selectedEdges][0]!} />;
  else body = <NetworkInspector />;
  return (
    <aside className="panel inspector" aria-label="Inspector">
      <h2 className="panel-title">Inspector</h2>
      <div className="inspector-scroll">{body}</div>
      <Problems />
    </aside>
  );
});
