/** Activation on the canvas: its function and output size. */
import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import { Sigma } from 'lucide-react';
import { ACTIVATION_LABELS } from '../editor/labels';
import type { ActivationFlowNode } from '../editor/types';
import { ExplainNodeNote } from '../live/ExplainMarks';
import { DiagnosticBadge } from '../live/NodeLive';
import { NAME_FIELD, type RendererKind } from './kind';
import { Box, shape } from './parts';

export const ActivationView = memo(function ActivationView({ data, selected }: NodeProps<ActivationFlowNode>) {
  return (
    <Box data={data} selected={selected} kind="activation" title="Activation">
      <div className="nw-row"><span>{ACTIVATION_LABELS[data.node.activation]}</span><span className="nw-shape">{shape(data.size)}</span></div>
      <DiagnosticBadge nodeId={data.node.id} units={data.size ?? 1} />
      <ExplainNodeNote nodeId={data.node.id} />
    </Box>
  );
});

export const activation: RendererKind<'activation'> = {
  view: ActivationView,
  fields: [NAME_FIELD, { key: 'activation', label: 'Function', kind: 'activation' }],
  icon: Sigma,
  group: 'Units & layers',
  keywords: ['relu', 'tanh', 'sigmoid', 'softmax', 'nonlinearity'],
  detail: (node) => node.activation,
  showsValues: true,
};
