/** Output on the canvas: its loss, target columns and prediction. */
import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import { Target } from 'lucide-react';
import { useOptionalAnalysis } from '../editor/analysis';
import { LOSS_LABELS, LOSS_SHORT } from '../editor/labels';
import { formatValue } from '../editor/trace';
import type { OutputFlowNode } from '../editor/types';
import { ExplainNodeNote } from '../live/ExplainMarks';
import { NAME_FIELD, type RendererKind } from './kind';
import { Box, firstValue } from './parts';

export const OutputView = memo(function OutputView({ data, selected }: NodeProps<OutputFlowNode>) {
  const { node, values } = data;
  const a = firstValue(values);
  return (
    <Box data={data} selected={selected} kind="output" title="Output">
      <div className="nw-row"><span className="nw-muted">loss</span><span title={LOSS_LABELS[node.loss]}>{LOSS_SHORT[node.loss]}</span></div>
      <div className="nw-row"><span className="nw-muted">target</span><span className="nw-clip">{node.targets.join(', ')}</span></div>
      <ExampleTargetRow />
      {a !== undefined && <div className="nw-row nw-value-row" data-testid="node-output"><span className="nw-muted">prediction</span><span className="nw-value">{a}</span></div>}
      <ExplainNodeNote nodeId={node.id} />
    </Box>
  );
});

/** The true target of the example, when the example is a row of the data: the value the data holds. */
function ExampleTargetRow() {
  const target = useOptionalAnalysis()?.target;
  if (!target) return null;
  const shown = target.label ?? target.values.map(formatValue).join(', ');
  return (
    <div className="nw-row nw-value-row" data-testid="node-target" title={`${target.split === 'train' ? 'Training' : 'Test'} row ${target.row + 1} of the data`}>
      <span className="nw-muted">true</span>
      <span className="nw-value">{shown}</span>
    </div>
  );
}

export const output: RendererKind<'output'> = {
  view: OutputView,
  fields: [
    NAME_FIELD,
    { key: 'loss', label: 'Loss', kind: 'loss' },
    { key: 'targets', label: 'Targets', kind: 'names', hint: 'The target columns, one per output value, separated by commas.' },
  ],
  icon: Target,
  group: 'Result',
  keywords: ['loss', 'prediction', 'target', 'result'],
  detail: (node) => `loss ${node.loss}`,
  showsValues: true,
};
