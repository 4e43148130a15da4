/** Add on the canvas: its output size. */
import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import { Plus } from 'lucide-react';
import type { AddFlowNode } from '../editor/types';
import { NAME_FIELD, type RendererKind } from './kind';
import { Box, shape } from './parts';

export const AddView = memo(function AddView({ data, selected }: NodeProps<AddFlowNode>) {
  return (
    <Box data={data} selected={selected} kind="add" title="Add">
      <div className="nw-row"><span className="nw-muted">sum</span><span className="nw-shape">{shape(data.size)}</span></div>
    </Box>
  );
});

export const add: RendererKind<'add'> = {
  view: AddView,
  fields: [NAME_FIELD],
  icon: Plus,
  group: 'Combine',
  keywords: ['sum', 'plus', 'residual', 'skip'],
  detail: () => 'add',
  showsValues: true,
};
