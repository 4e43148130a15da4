/** Conv2D on the canvas: filters, kernel, stride, padding, activation and output shape; its filters as small images. */
import { memo, useCallback, useMemo } from 'react';
import type { NodeProps } from '@xyflow/react';
import { Grid3x3 } from 'lucide-react';
import { ACTIVATION_LABELS } from '../editor/labels';
import type { Conv2DFlowNode } from '../editor/types';
import { ExplainNodeNote } from '../live/ExplainMarks';
import { FeatureMaps, FilterImages, type MapPixel } from '../live/ImageViews';
import { ConvExplain, useConvPixels } from '../live/ConvExplain';
import { NAME_FIELD, type RendererKind } from './kind';
import { Box, shapeOf } from './parts';

export const PADDING_OPTIONS = [{ value: 'valid', label: 'valid (no padding)' }, { value: 'same', label: 'same (keep the size)' }] as const;

export const Conv2DView = memo(function Conv2DView({ data, selected }: NodeProps<Conv2DFlowNode>) {
  const { node } = data;
  const picked = useConvPixels((s) => s.picked[node.id]);
  const mark = useMemo(() => (picked && selected ? { channel: picked.filter, row: picked.row, col: picked.col } : undefined), [picked, selected]);
  const onPick = useCallback((p: MapPixel) => useConvPixels.getState().pick(node.id, { row: p.row, col: p.col, filter: p.channel }), [node.id]);
  return (
    <Box data={data} selected={selected} kind="conv2d" title="Conv2D">
      <div className="nw-dense-units">
        <strong>{node.filters}</strong> filter{node.filters === 1 ? '' : 's'} {node.kernelSize.join('×')} · {ACTIVATION_LABELS[node.activation]}
      </div>
      <div className="nw-row">
        <span className="nw-muted">stride {node.strides.join('×')} · {node.padding}</span>
        <span className="nw-shape">{shapeOf(data)}</span>
      </div>
      <FilterImages nodeId={node.id} kernel={node.kernel} shape={node.kernel && data.shape ? [node.kernelSize[0], node.kernelSize[1], node.kernel.length / (node.kernelSize[0] * node.kernelSize[1] * node.filters), node.filters] : undefined} />
      <FeatureMaps shape={data.shape} values={data.values?.a} onPick={onPick} mark={mark} />
      <ExplainNodeNote nodeId={node.id} />
    </Box>
  );
});

export const conv2d: RendererKind<'conv2d'> = {
  view: Conv2DView,
  fields: [
    NAME_FIELD,
    { key: 'filters', label: 'Filters', kind: 'integer', min: 1, max: 1024 },
    { key: 'kernelSize', label: 'Kernel (h×w)', kind: 'dims', count: 2, hint: 'Height and width of each filter, e.g. 3×3.' },
    { key: 'strides', label: 'Stride (down×across)', kind: 'dims', count: 2 },
    { key: 'padding', label: 'Padding', kind: 'choice', options: PADDING_OPTIONS },
    { key: 'activation', label: 'Activation', kind: 'activation' },
    { key: 'useBias', label: 'Bias', kind: 'boolean' },
  ],
  icon: Grid3x3,
  group: 'Images',
  keywords: ['convolution', 'cnn', 'conv', 'filter', 'kernel', 'image'],
  Inspector: ConvExplain,
  detail: (node) => `${node.filters} filters ${node.kernelSize.join('×')} · ${node.activation}`,
  showsValues: true,
};
