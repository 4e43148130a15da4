/** MaxPool2D and AveragePool2D on the canvas: window, stride, padding and output shape. */
import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import { Minimize2, Shrink } from 'lucide-react';
import type { FlowNodeOf } from '../editor/types';
import { FeatureMaps } from '../live/ImageViews';
import { NAME_FIELD, type RendererKind } from './kind';
import { PADDING_OPTIONS } from './conv2d';
import { Box, shapeOf } from './parts';

type PoolKind = 'maxPool2d' | 'averagePool2d';
interface PoolFields { kernelSize: [number, number]; strides: [number, number]; padding: string }

function poolView<K extends PoolKind>(kind: K, title: string) {
  return memo(function PoolView({ data, selected }: NodeProps<FlowNodeOf<K>>) {
    const node = data.node as unknown as PoolFields & { id: string };
    return (
      <Box data={data} selected={selected ?? false} kind={kind} title={title}>
        <div className="nw-row">
          <span className="nw-muted">{node.kernelSize.join('×')} · stride {node.strides.join('×')} · {node.padding}</span>
          <span className="nw-shape">{shapeOf(data)}</span>
        </div>
        <FeatureMaps shape={data.shape} values={data.values?.a} />
      </Box>
    );
  });
}

function poolKind<K extends PoolKind>(kind: K, title: string, words: string): RendererKind<K> {
  return {
    view: poolView(kind, title),
    fields: [
      NAME_FIELD,
      { key: 'kernelSize', label: 'Window (h×w)', kind: 'dims', count: 2, hint: 'Height and width of each window, e.g. 2×2.' },
      { key: 'strides', label: 'Stride (down×across)', kind: 'dims', count: 2 },
      { key: 'padding', label: 'Padding', kind: 'choice', options: PADDING_OPTIONS },
    ] as RendererKind<K>['fields'],
    icon: kind === 'maxPool2d' ? Shrink : Minimize2,
    group: 'Images',
    keywords: ['pooling', 'pool', 'downsample', 'image', words],
    detail: (node) => `${words} pool ${(node as unknown as PoolFields).kernelSize.join('×')}`,
    showsValues: true,
  };
}

export const maxPool2d = poolKind('maxPool2d', 'MaxPool2D', 'max');
export const averagePool2d = poolKind('averagePool2d', 'AveragePool2D', 'average');
