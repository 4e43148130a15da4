/** Dense layer on the canvas: units, activation, output size and values; in the inspector, Expand into neurons. */
import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import { Layers, Ungroup } from 'lucide-react';
import type { DenseNode } from '../../core/document';
import { UNITS } from '../../core/limits';
import { useEditor } from '../editor/context';
import { ACTIVATION_LABELS } from '../editor/labels';
import { formatValue } from '../editor/trace';
import type { DenseFlowNode } from '../editor/types';
import { ExplainNodeNote } from '../live/ExplainMarks';
import { DiagnosticBadge, NodeHeatmap, NodeLiveValue } from '../live/NodeLive';
import { NAME_FIELD, type RendererKind } from './kind';
import { Box, firstValue, shape } from './parts';

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

function ExpandButton({ node }: { node: DenseNode }) {
  const { actions } = useEditor();
  return (
    <button type="button" className="inspector-button" onClick={() => actions.expand(node.id)}>
      <Ungroup size={15} aria-hidden /> Expand into neurons <kbd>E</kbd>
    </button>
  );
}

export const dense: RendererKind<'dense'> = {
  view: DenseView,
  fields: [
    NAME_FIELD,
    { key: 'units', label: 'Units', kind: 'integer', min: UNITS.min, max: UNITS.max },
    { key: 'activation', label: 'Activation', kind: 'activation' },
    { key: 'useBias', label: 'Use bias', kind: 'boolean' },
  ],
  icon: Layers,
  group: 'Units & layers',
  keywords: ['layer', 'fully connected', 'fc', 'linear'],
  detail: (node) => `${node.units} units · ${node.activation}`,
  Inspector: ExpandButton,
  showsValues: true,
};
