/**
 * One component per node type, each drawn for what it is. All in `memo`: a node re-renders only when its own data
 * (document node, size, problems, values) changes.
 */
import { memo, type ReactNode } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import type { Problem } from '../../core/graph';
import { NODE_TYPES } from '../../core/nodes';
import type { NodeType } from '../../core/document';
import { ACTIVATION_GLYPHS, ACTIVATION_LABELS, LOSS_LABELS, LOSS_SHORT } from './labels';
import { formatValue } from './trace';
import { ExplainNodeNote } from '../live/ExplainMarks';
import { DiagnosticBadge, NodeHeatmap, NodeLiveValue } from '../live/NodeLive';
import { useLiveBiasText } from '../live/hooks';
import type {
  ActivationFlowNode, AddFlowNode, ConcatFlowNode, DenseFlowNode, DropoutFlowNode, FlowNodeData, InputFlowNode,
  NeuronFlowNode, OutputFlowNode,
} from './types';

function problemClass(problems: readonly Problem[]): string {
  if (problems.some((p) => p.severity === 'error')) return ' has-error';
  if (problems.length > 0) return ' has-warning';
  return '';
}

/** A badge on a node with problems, and the messages in a popover while the pointer is over the node. */
function ProblemMarks({ problems }: { problems: readonly Problem[] }) {
  if (problems.length === 0) return null;
  const error = problems.some((p) => p.severity === 'error');
  return (
    <>
      <span className={`nw-problem-badge${error ? '' : ' warning'}`} aria-hidden>!</span>
      <div className="nw-problem-pop" role="tooltip">
        {problems.map((p, i) => <p key={i}>{p.message}</p>)}
      </div>
    </>
  );
}

/** The handles of a type: in on the left when it takes inputs, out on the right when others may take its output. */
function Ports({ type }: { type: NodeType }) {
  const info = NODE_TYPES[type];
  return (
    <>
      {info.maxInputs > 0 && <Handle type="target" position={Position.Left} className="port port-in" />}
      {info.hasOutput && <Handle type="source" position={Position.Right} className="port port-out" />}
    </>
  );
}

function shape(size: number | undefined): string {
  return size === undefined ? '?' : String(size);
}

function firstValue(values: FlowNodeData['values']): string | undefined {
  const a = values?.a;
  if (!a || a.length === 0) return undefined;
  if (a.length === 1) return formatValue(a[0]!);
  const shown = a.slice(0, 3).map(formatValue).join(', ');
  return `[${shown}${a.length > 3 ? ', …' : ''}]`;
}

interface BoxProps {
  data: FlowNodeData;
  selected: boolean;
  kind: NodeType;
  title: string;
  children?: ReactNode;
}

/** The rectangular body shared by every node but the Neuron. */
function Box({ data, selected, kind, title, children }: BoxProps) {
  return (
    <div
      className={`nw-node nw-box nw-${kind}${selected ? ' selected' : ''}${problemClass(data.problems)}`}
      data-node-name={data.node.name}
    >
      <div className="nw-box-head">
        <span className="nw-kind">{title}</span>
        <span className="nw-name">{data.node.name}</span>
      </div>
      {children}
      <Ports type={kind} />
      <ProblemMarks problems={data.problems} />
    </div>
  );
}

export const InputView = memo(function InputView({ data, selected }: NodeProps<InputFlowNode>) {
  const { node, example } = data;
  return (
    <Box data={data} selected={selected} kind="input" title="Input">
      <div className="nw-rows">
        {node.features.slice(0, 4).map((feature, i) => (
          <div key={i} className="nw-row">
            <span className="nw-muted">{feature}</span>
            <span className="nw-value" data-testid="example-value">{example?.[i] !== undefined ? formatValue(example[i]!) : ''}</span>
          </div>
        ))}
        {node.features.length > 4 && <div className="nw-row nw-muted">+{node.features.length - 4} more</div>}
      </div>
    </Box>
  );
});

export const NeuronView = memo(function NeuronView({ data, selected }: NodeProps<NeuronFlowNode>) {
  const { node, values, problems } = data;
  const a = firstValue(values);
  // The trainer's bias while it has one (it moves while training runs), else the document's.
  const liveBias = useLiveBiasText(node.id, formatValue);
  return (
    <div className={`nw-node nw-neuron${selected ? ' selected' : ''}${problemClass(problems)}`} data-node-name={node.name}>
      <div className="nw-neuron-name">{node.name}</div>
      <div className="nw-neuron-body">
        <span className="nw-neuron-act" title={ACTIVATION_LABELS[node.activation]}>{ACTIVATION_GLYPHS[node.activation]}</span>
        <span className="nw-neuron-bias" data-testid="neuron-bias">b {liveBias || formatValue(node.bias)}</span>
        <ProblemMarks problems={problems} />
        <DiagnosticBadge nodeId={node.id} units={1} />
      </div>
      <div className="nw-neuron-out" data-testid="node-output">{a !== undefined ? `a = ${a}` : '\u00a0'}</div>
      <NodeHeatmap nodeId={node.id} activation={node.activation} />
      <NodeLiveValue nodeId={node.id} />
      <ExplainNodeNote nodeId={node.id} />
      <Ports type="neuron" />
    </div>
  );
});

export const DenseView = memo(function DenseView({ data, selected }: NodeProps<DenseFlowNode>) {
  const { node, size, values } = data;
  const a = firstValue(values);
  return (
    <Box data={data} selected={selected} kind="dense" title="Dense">
      <div className="nw-dense-units">
        <strong>{node.units}</strong> unit{node.units === 1 ? '' : 's'} · {ACTIVATION_LABELS[node.activation]}
      </div>
      <div className="nw-row">
        <span className="nw-muted">output</span>
        <span className="nw-shape">{shape(size)}</span>
      </div>
      {a !== undefined && (
        <div className="nw-row nw-value-row" data-testid="node-output">
          <span className="nw-muted">a</span>
          {/* A layer's vector is clipped to the box; hover shows every unit's value. */}
          <span className="nw-value nw-clip" title={values?.a ? Array.from(values.a, formatValue).join(', ') : undefined}>{a}</span>
        </div>
      )}
      <NodeHeatmap nodeId={node.id} activation={node.activation} />
      <NodeLiveValue nodeId={node.id} />
      <DiagnosticBadge nodeId={node.id} units={node.units} />
      <ExplainNodeNote nodeId={node.id} />
    </Box>
  );
});

export const ActivationView = memo(function ActivationView({ data, selected }: NodeProps<ActivationFlowNode>) {
  return (
    <Box data={data} selected={selected} kind="activation" title="Activation">
      <div className="nw-row"><span>{ACTIVATION_LABELS[data.node.activation]}</span><span className="nw-shape">{shape(data.size)}</span></div>
      <DiagnosticBadge nodeId={data.node.id} units={data.size ?? 1} />
      <ExplainNodeNote nodeId={data.node.id} />
    </Box>
  );
});

export const DropoutView = memo(function DropoutView({ data, selected }: NodeProps<DropoutFlowNode>) {
  return (
    <Box data={data} selected={selected} kind="dropout" title="Dropout">
      <div className="nw-row"><span>rate {formatValue(data.node.rate)}</span><span className="nw-shape">{shape(data.size)}</span></div>
    </Box>
  );
});

export const AddView = memo(function AddView({ data, selected }: NodeProps<AddFlowNode>) {
  return (
    <Box data={data} selected={selected} kind="add" title="Add">
      <div className="nw-row"><span className="nw-muted">sum</span><span className="nw-shape">{shape(data.size)}</span></div>
    </Box>
  );
});

export const ConcatView = memo(function ConcatView({ data, selected }: NodeProps<ConcatFlowNode>) {
  return (
    <Box data={data} selected={selected} kind="concat" title="Concat">
      <div className="nw-row"><span className="nw-muted">joined</span><span className="nw-shape">{shape(data.size)}</span></div>
    </Box>
  );
});

export const OutputView = memo(function OutputView({ data, selected }: NodeProps<OutputFlowNode>) {
  const { node, values } = data;
  const a = firstValue(values);
  return (
    <Box data={data} selected={selected} kind="output" title="Output">
      <div className="nw-row"><span className="nw-muted">loss</span><span title={LOSS_LABELS[node.loss]}>{LOSS_SHORT[node.loss]}</span></div>
      <div className="nw-row"><span className="nw-muted">target</span><span className="nw-clip">{node.targets.join(', ')}</span></div>
      {a !== undefined && <div className="nw-row nw-value-row" data-testid="node-output"><span className="nw-muted">prediction</span><span className="nw-value">{a}</span></div>}
      <ExplainNodeNote nodeId={node.id} />
    </Box>
  );
});
