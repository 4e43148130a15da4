/** Dropout on the canvas: its rate and output size. */
import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import { Waves } from 'lucide-react';
import { formatValue } from '../editor/trace';
import type { DropoutFlowNode } from '../editor/types';
import { NAME_FIELD, type RendererKind } from './kind';
import { Box, shape } from './parts';

export const DropoutView = memo(function DropoutView({ data, selected }: NodeProps<DropoutFlowNode>) {
  return (
    <Box data={data} selected={selected} kind="dropout" title="Dropout">
      <div className="nw-row"><span>rate {formatValue(data.node.rate)}</span><span className="nw-shape">{shape(data.size)}</span></div>
    </Box>
  );
});

export const dropout: RendererKind<'dropout'> = {
  view: DropoutView,
  fields: [NAME_FIELD, { key: 'rate', label: 'Dropout rate', kind: 'number', step: 0.05, min: 0, max: 0.95, hint: 'Fraction of values dropped while training.' }],
  icon: Waves,
  group: 'Units & layers',
  keywords: ['regularization', 'regularisation'],
  detail: (node) => `dropout ${node.rate}`,
  showsValues: true,
};
