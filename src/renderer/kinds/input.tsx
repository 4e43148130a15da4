/** Input on the canvas: its features with their example values; in the inspector, the example values to edit. */
import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import { ArrowRightToLine } from 'lucide-react';
import type { InputNode } from '../../core/document';
import { useAnalysis } from '../editor/analysis';
import { useEditor } from '../editor/context';
import { FeatureMenus, featureText, useDataReference } from '../editor/dataBinding';
import { NumberField } from '../editor/fields';
import { exampleFromRow, trainRows } from '../editor/exampleTarget';
import { formatValue } from '../editor/trace';
import type { InputFlowNode } from '../editor/types';
import { FeatureMaps } from '../live/ImageViews';
import { NAME_FIELD, type RendererKind } from './kind';
import { Box } from './parts';

export const InputView = memo(function InputView({ data, selected }: NodeProps<InputFlowNode>) {
  const { node, example } = data;
  const ref = useDataReference();
  if (node.shape && node.shape.length === 3) {
    return (
      <Box data={data} selected={selected} kind="input" title="Input">
        <div className="nw-row"><span className="nw-muted">image</span><span className="nw-shape">{node.shape.join('×')}</span></div>
        <FeatureMaps shape={node.shape} values={example} />
      </Box>
    );
  }
  return (
    <Box data={data} selected={selected} kind="input" title="Input">
      <div className="nw-rows">
        {node.features.slice(0, 4).map((feature, i) => (
          <div key={i} className="nw-row">
            <span className="nw-muted">{featureText(ref, feature)}</span>
            <span className="nw-value" data-testid="example-value">{example?.[i] !== undefined ? formatValue(example[i]!) : ''}</span>
          </div>
        ))}
        {node.features.length > 4 && <div className="nw-row nw-muted">+{node.features.length - 4} more</div>}
      </div>
    </Box>
  );
});

/** The Input's own part of the inspector: the data feature each of its values reads, and the example's values. */
function InputInspector({ node }: { node: InputNode }) {
  return (
    <>
      <FeatureMenus node={node} />
      <ExampleFields node={node} />
    </>
  );
}

function ExampleFields({ node }: { node: InputNode }) {
  const { view } = useEditor();
  const { example } = useAnalysis();
  const values = example[node.id] ?? [];
  const { doc, target } = useAnalysis();
  const rows = trainRows(doc);
  if (node.shape && node.shape.length > 1) {
    return (
      <section className="inspector-section" aria-label="Example input">
        <h3 className="inspector-section-title">Example input</h3>
        <p className="inspector-note">An image of {node.shape.join('×')} values: pick one of the test images in the data panel (or a misclassified one) to run the network on it.</p>
      </section>
    );
  }
  return (
    <section className="inspector-section" aria-label="Example input">
      <h3 className="inspector-section-title">Example input</h3>
      {rows > 0 && (
        <NumberField
          label="Data row"
          step={1}
          value={target?.split === 'train' ? target.row + 1 : undefined}
          integer
          min={1}
          max={rows}
          hint={`Take the example from row 1 to ${rows.toLocaleString('en-US')} of the training data: the Output then shows its true target.`}
          onCommit={(row) => {
            const values = exampleFromRow(doc, row - 1);
            if (!values) return `Choose a row from 1 to ${rows}.`;
            view.setState((s) => ({ exampleValues: { ...s.exampleValues, ...values } }));
            return null;
          }}
        />
      )}
      {node.features.map((feature, i) => (
        <NumberField
          key={`${feature}-${i}`}
          label={feature}
          value={values[i]}
          step={0.1}
          hint="The value this feature has in the example the network is run on (shared by every Input of this feature)."
          onCommit={(v) => {
            view.setState((s) => ({ exampleValues: { ...s.exampleValues, [feature]: v } }));
            return null;
          }}
        />
      ))}
    </section>
  );
}

export const input: RendererKind<'input'> = {
  view: InputView,
  fields: [
    NAME_FIELD,
    { key: 'features', label: 'Features', kind: 'names', hint: 'The data columns it feeds, separated by commas.' },
    { key: 'shape', label: 'Shape', kind: 'dims', optional: true, hint: 'Empty for a vector; an image as height×width×channels, e.g. 28×28×1 (one feature per value, row by row, channels last).' },
  ],
  icon: ArrowRightToLine,
  group: 'Data',
  keywords: ['feature', 'data', 'x'],
  detail: (node) => node.features.join(', '),
  Inspector: InputInspector,
  showsValues: false,
};
