/** LayerNorm on the canvas: its epsilon and output size. */
import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import { ChartBellCurve } from 'lucide-react';
import { formatValue } from '../editor/trace';
import type { FlowNodeOf } from '../editor/types';
import { ExplainNodeNote } from '../live/ExplainMarks';
import { NAME_FIELD, type RendererKind } from './kind';
import { Box, shape } from './parts';

export const LayerNormView = memo(function LayerNormView({ data, selected }: NodeProps<FlowNodeOf<'layerNorm'>>) {
  return (
    <Box data={data} selected={selected} kind="layerNorm" title="LayerNorm">
      <div className="nw-row"><span className="nw-muted">ε {formatValue(data.node.epsilon)}</span><span className="nw-shape">{shape(data.size)}</span></div>
      <ExplainNodeNote nodeId={data.node.id} />
    </Box>
  );
});

export const layerNorm: RendererKind<'layerNorm'> = {
  view: LayerNormView,
  fields: [NAME_FIELD, { key: 'epsilon', label: 'Epsilon', kind: 'number', step: 1e-5, min: 1e-12, max: 1, hint: 'Added to the variance so a row of equal values does not divide by zero.' }],
  icon: ChartBellCurve,
  group: 'Normalisation',
  keywords: ['normalization', 'normalisation', 'layernorm', 'ln', 'gamma', 'beta'],
  detail: (node) => `layer norm · ε ${node.epsilon}`,
  showsValues: true,
};
