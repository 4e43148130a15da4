/** Concat on the canvas: its output size. */
import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import { Combine } from 'lucide-react';
import type { ConcatFlowNode } from '../editor/types';
import { NAME_FIELD, type RendererKind } from './kind';
import { Box, shape } from './parts';

export const ConcatView = memo(function ConcatView({ data, selected }: NodeProps<ConcatFlowNode>) {
  return (
    <Box data={data} selected={selected} kind="concat" title="Concat">
      <div className="nw-row"><span className="nw-muted">joined</span><span className="nw-shape">{shape(data.size)}</span></div>
    </Box>
  );
});

export const concat: RendererKind<'concat'> = {
  view: ConcatView,
  fields: [NAME_FIELD],
  icon: Combine,
  group: 'Combine',
  keywords: ['join', 'merge', 'stack'],
  detail: () => 'concat',
  showsValues: true,
};
