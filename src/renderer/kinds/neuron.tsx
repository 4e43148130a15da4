/** Neuron on the canvas: a circle with its activation's glyph, its bias (live while training) and its output. */
import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import { CircleDot } from 'lucide-react';
import { ACTIVATION_GLYPHS, ACTIVATION_LABELS } from '../editor/labels';
import { formatValue } from '../editor/trace';
import type { NeuronFlowNode } from '../editor/types';
import { ExplainNodeNote } from '../live/ExplainMarks';
import { useLiveBiasText } from '../live/hooks';
import { DiagnosticBadge, NodeHeatmap, NodeLiveValue } from '../live/NodeLive';
import { NAME_FIELD, type RendererKind } from './kind';
import { Ports, ProblemMarks, firstValue, problemClass } from './parts';

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

export const neuron: RendererKind<'neuron'> = {
  view: NeuronView,
  fields: [NAME_FIELD, { key: 'activation', label: 'Activation', kind: 'activation' }, { key: 'bias', label: 'Bias', kind: 'number', step: 0.01 }],
  icon: CircleDot,
  group: 'Units & layers',
  keywords: ['unit', 'perceptron'],
  detail: (node) => node.activation,
  showsValues: true,
};
