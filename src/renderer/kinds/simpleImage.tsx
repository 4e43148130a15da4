/** Flatten, GlobalAveragePool and BatchNorm on the canvas: their output shape (and BatchNorm's settings). */
import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import { ChartNoAxesColumn, Rows3, Sigma } from 'lucide-react';
import { formatValue } from '../editor/trace';
import type { FlowNodeOf } from '../editor/types';
import { FeatureMaps } from '../live/ImageViews';
import { NAME_FIELD, type RendererKind } from './kind';
import { Box, shapeOf } from './parts';

export const FlattenView = memo(function FlattenView({ data, selected }: NodeProps<FlowNodeOf<'flatten'>>) {
  return (
    <Box data={data} selected={selected} kind="flatten" title="Flatten">
      <div className="nw-row"><span className="nw-muted">image → vector</span><span className="nw-shape">{shapeOf(data)}</span></div>
    </Box>
  );
});

export const flatten: RendererKind<'flatten'> = {
  view: FlattenView,
  fields: [NAME_FIELD],
  icon: Rows3,
  group: 'Images',
  keywords: ['reshape', 'vector', 'image'],
  detail: () => 'flatten',
  showsValues: true,
};

export const GlobalAveragePoolView = memo(function GlobalAveragePoolView({ data, selected }: NodeProps<FlowNodeOf<'globalAveragePool'>>) {
  return (
    <Box data={data} selected={selected} kind="globalAveragePool" title="Global average pool">
      <div className="nw-row"><span className="nw-muted">mean per channel</span><span className="nw-shape">{shapeOf(data)}</span></div>
    </Box>
  );
});

export const globalAveragePool: RendererKind<'globalAveragePool'> = {
  view: GlobalAveragePoolView,
  fields: [NAME_FIELD],
  icon: Sigma,
  group: 'Images',
  keywords: ['gap', 'pooling', 'pool', 'global', 'image'],
  detail: () => 'global average pool',
  showsValues: true,
};

export const BatchNormView = memo(function BatchNormView({ data, selected }: NodeProps<FlowNodeOf<'batchNorm'>>) {
  return (
    <Box data={data} selected={selected} kind="batchNorm" title="BatchNorm">
      <div className="nw-row"><span className="nw-muted">momentum {formatValue(data.node.momentum)}</span><span className="nw-shape">{shapeOf(data)}</span></div>
      <FeatureMaps shape={data.shape} values={data.values?.a} />
    </Box>
  );
});

export const batchNorm: RendererKind<'batchNorm'> = {
  view: BatchNormView,
  fields: [
    NAME_FIELD,
    { key: 'momentum', label: 'Momentum', kind: 'number', step: 0.01, min: 0, max: 1, hint: 'How much of the running mean and variance each training batch keeps.' },
    { key: 'epsilon', label: 'Epsilon', kind: 'number', step: 1e-5, min: 1e-12, max: 1, hint: 'Added to the variance so a constant channel does not divide by zero.' },
  ],
  icon: ChartNoAxesColumn,
  group: 'Normalisation',
  keywords: ['normalization', 'normalisation', 'batchnorm', 'bn', 'running', 'gamma', 'beta'],
  detail: (node) => `batch norm · momentum ${node.momentum}`,
  showsValues: true,
};
