/**
 * The network meets its data in the app: each Input picks its features from the data's (a menu per feature), and
 * when the data changes under Inputs that read other names, one click binds them in order (src/core/bind.ts).
 */
import { useContext, useMemo } from 'react';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import { bindInOrder, dataColumns, type DataColumns } from '../../core/bind';
import { DEFAULT_PLANE_FEATURES, featureLabel } from '../../core/data';
import type { DataReference, InputNode } from '../../core/document';
import { setNodeField } from '../../core/edit';
import { EditorContext, useDoc, useEditor } from './context';
import { SelectField } from './fields';
import { edit } from './store';

/** The columns of the document's data (memoised on the data reference). */
export function useDataColumns(): DataColumns | null {
  const data = useDoc((s) => s.doc.data);
  return useMemo(() => dataColumns(data), [data]);
}

/** How a feature reads in the UI: the 2-D sets' ids as their labels ("x2" → "x²"), any other column as it is. */
export function featureText(data: DataReference, name: string): string {
  if (data.kind !== 'builtin') return name;
  // Only a feature the set really offers: an Input reading "x2" on data of x and y means its own "x2", not x².
  const chosen = data.features && data.features.length > 0 ? data.features : DEFAULT_PLANE_FEATURES;
  return (chosen as readonly string[]).includes(name) ? featureLabel(name) : name;
}

const NO_DATA = createStore(() => ({ data: { kind: 'none' } as DataReference }));

/** The document's data reference where there is an editor (a node view drawn alone has none: no data). */
export function useDataReference(): DataReference {
  const editor = useContext(EditorContext);
  const fromDoc = useStore(editor?.document ?? NO_DATA, (s) => ('doc' in s ? s.doc.data : s.data));
  return fromDoc;
}

/** In the Input's inspector: a menu of the data's features for each feature it reads. */
export function FeatureMenus({ node }: { node: InputNode }) {
  const editor = useEditor();
  const data = useDoc((s) => s.doc.data);
  const columns = useDataColumns();
  if (!columns || columns.features.length === 0) return null;
  return (
    <section className="inspector-section" aria-label="Data features">
      <h3 className="inspector-section-title">Reads from the data</h3>
      {node.features.map((feature, i) => {
        const known = columns.features.includes(feature);
        const options = [
          ...(known ? [] : [{ value: feature, label: `${feature} (not in the data)` }]),
          ...columns.features.map((f) => ({ value: f, label: featureText(data, f) })),
        ];
        return (
          <SelectField<string>
            key={i}
            label={node.features.length === 1 ? 'Feature' : `Feature ${i + 1}`}
            value={feature}
            options={options}
            onCommit={(value) => {
              const features = node.features.map((f, j) => (j === i ? value : f));
              edit(editor, (d) => setNodeField(d, node.id, 'features', features));
              return null;
            }}
          />
        );
      })}
    </section>
  );
}

/**
 * When the Inputs (or the Output's targets) read names the data does not have, but as many as it offers: a button
 * that binds them in order, as one undoable edit. Nothing otherwise.
 */
export function BindOffer() {
  const editor = useEditor();
  const doc = useDoc((s) => s.doc);
  const columns = useDataColumns();
  const binding = useMemo(() => (columns ? bindInOrder(doc, columns) : null), [doc, columns]);
  if (!columns || !binding) return null;
  const pairs = [...binding.features, ...binding.targets];
  const to = (list: { to: string }[]) => list.map((b) => featureText(doc.data, b.to)).join(', ');
  const what = binding.features.length > 0 && binding.targets.length > 0
    ? `inputs to ${to(binding.features)} and the target to ${to(binding.targets)}`
    : binding.features.length > 0 ? `inputs to ${to(binding.features)}` : `the target to ${to(binding.targets)}`;
  return (
    <div className="dock-bind" role="group" aria-label="Bind to the data">
      <span className="dock-note">
        The network reads {pairs.map((b) => `“${b.from}”`).join(', ')}; the data has {pairs.map((b) => `“${featureText(doc.data, b.to)}”`).join(', ')}.
      </span>
      <button
        type="button"
        className="dock-button"
        onClick={() => edit(editor, (d) => (columns ? bindInOrder(d, columns)?.doc ?? null : null))}
      >
        Bind {what}
      </button>
    </div>
  );
}
