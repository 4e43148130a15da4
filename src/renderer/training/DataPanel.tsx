/**
 * The data a network trains on: a built-in set (noise, train/test ratio, seed, engineered features for the 2-D sets)
 * or an imported CSV (target column picker; the core's errors listed with their row and column). Every change is an
 * undoable edit of the document's data reference; the training store reloads the trainer.
 */
import { decodeUtf8 } from '../../core/fileText';
import { memo, useState, type ChangeEvent } from 'react';
import {
  BUILTIN_DATASETS, DEFAULT_PLANE_FEATURES, PLANE_FEATURES, datasetFromCsv, featureLabel, inspectCsv,
  type CsvColumn, type CsvError,
} from '../../core/data';
import type { BuiltinDatasetName, DataReference } from '../../core/document';
import { toggleFeature } from '../../core/bind';
import { useDoc, useEditor } from '../editor/context';
import { edit } from '../editor/store';
import { BindOffer } from '../editor/dataBinding';
import { useTraining } from './store';
import { parseNumber } from '../../shared/numbers';

type Builtin = Extract<DataReference, { kind: 'builtin' }>;

export function builtinReference(name: BuiltinDatasetName, previous?: DataReference): Builtin {
  const info = BUILTIN_DATASETS.find((d) => d.id === name)!;
  const ratio = previous && previous.kind !== 'none' ? previous.trainRatio : info.defaultTrainRatio;
  const seed = previous && previous.kind !== 'none' ? previous.seed : 1;
  const ref: Builtin = { kind: 'builtin', name, noise: previous?.kind === 'builtin' ? previous.noise : 0, trainRatio: ratio, seed };
  if (info.kind === 'plane') {
    ref.samples = previous?.kind === 'builtin' && previous.samples ? previous.samples : info.defaultSamples;
    ref.features = previous?.kind === 'builtin' && previous.features && info.kind === 'plane' ? previous.features : [...DEFAULT_PLANE_FEATURES];
  }
  return ref;
}

function NumberField({ label, value, min, max, step, onCommit }: {
  label: string; value: number; min: number; max: number; step: number; onCommit(value: number): void;
}) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const commit = () => {
    if (text === null) return;
    const v = parseNumber(text);
    if (text.trim() === '' || !Number.isFinite(v) || v < min || v > max) {
      setError(`${label} must be a number from ${min} to ${max}.`);
      return;
    }
    setError(null);
    setText(null);
    if (v !== value) onCommit(v);
  };
  return (
    <label className="dock-field" title={error ?? undefined}>
      <span>{label}</span>
      <input
        className="dock-input"
        aria-label={label}
        aria-invalid={error !== null}
        inputMode="decimal"
        value={text ?? String(value)}
        step={step}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') {
            setText(null);
            setError(null);
          }
        }}
      />
      {error && <span className="dock-field-error">{error}</span>}
    </label>
  );
}

interface CsvDraft {
  fileName: string;
  text: string;
  columns: CsvColumn[];
  rowCount: number;
  target: string;
  standardize: boolean;
}

function CsvImport({ onUse }: { onUse(ref: DataReference): void }) {
  const [draft, setDraft] = useState<CsvDraft | null>(null);
  const [errors, setErrors] = useState<CsvError[]>([]);
  const [message, setMessage] = useState<string | null>(null);

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setErrors([]);
    const decoded = decodeUtf8(new Uint8Array(await file.arrayBuffer()));
    if (!decoded.ok) {
      setDraft(null);
      setMessage(`${file.name}: ${decoded.message.replace('This file', 'This CSV')}`);
      return;
    }
    const text = decoded.text;
    const inspection = inspectCsv(text);
    if (!inspection.ok) {
      setDraft(null);
      setMessage(`${file.name}: ${inspection.error}`);
      return;
    }
    setMessage(null);
    const usable = inspection.columns.filter((c) => c.kind !== 'empty');
    setDraft({
      fileName: file.name,
      text,
      columns: inspection.columns,
      rowCount: inspection.rowCount,
      target: usable.at(-1)?.name ?? '',
      standardize: true,
    });
  };

  const use = () => {
    if (!draft) return;
    const roles: Record<string, 'feature' | 'target' | 'ignored'> = {};
    for (const c of draft.columns) roles[c.name] = c.name === draft.target ? 'target' : c.kind === 'empty' ? 'ignored' : 'feature';
    const ref: DataReference = { kind: 'csv', fileName: draft.fileName, text: draft.text, roles, standardize: draft.standardize, trainRatio: 0.8, seed: 1 };
    const made = datasetFromCsv(ref.text, { roles, standardize: ref.standardize, trainRatio: ref.trainRatio, seed: ref.seed, fileName: ref.fileName });
    if (!made.ok) {
      setErrors(made.errors);
      return;
    }
    setErrors([]);
    setDraft(null);
    onUse(ref);
  };

  return (
    <div className="dock-csv">
      <label className="dock-button dock-file">
        Import CSV…
        <input type="file" accept=".csv,text/csv,text/plain" aria-label="Import CSV file" onChange={(e) => void onFile(e)} />
      </label>
      {message && <p className="dock-error">{message}</p>}
      {draft && (
        <div className="dock-csv-draft">
          <div className="dock-note">
            {draft.fileName}: {draft.rowCount.toLocaleString('en-US')} rows, {draft.columns.length} columns
          </div>
          <label className="dock-field">
            <span>target</span>
            <select className="dock-input" aria-label="Target column" value={draft.target} onChange={(e) => setDraft({ ...draft, target: e.target.value })}>
              {draft.columns.filter((c) => c.kind !== 'empty').map((c) => (
                <option key={c.name} value={c.name}>{c.name} ({c.kind})</option>
              ))}
            </select>
          </label>
          <label className="dock-check">
            <input type="checkbox" checked={draft.standardize} onChange={(e) => setDraft({ ...draft, standardize: e.target.checked })} />
            standardise features
          </label>
          <button type="button" className="dock-button" onClick={use}>Use this data</button>
        </div>
      )}
      {errors.length > 0 && (
        <ul className="dock-errors" aria-label="CSV problems">
          {errors.map((e, i) => (
            <li key={i}>
              {e.row !== undefined && <strong>row {e.row}</strong>}
              {e.row !== undefined && e.column !== undefined && ', '}
              {e.column !== undefined && <strong>column “{e.column}”</strong>}
              {(e.row !== undefined || e.column !== undefined) && ': '}
              {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const DataPanel = memo(function DataPanel() {
  const data = useDoc((s) => s.doc.data);
  const editor = useEditor();
  const setData = useTraining((s) => s.setData);
  const loaded = useTraining((s) => s.loaded);
  const info = data.kind === 'builtin' ? BUILTIN_DATASETS.find((d) => d.id === data.name) : undefined;
  const choice = data.kind === 'builtin' ? data.name : data.kind === 'csv' ? 'csv' : '';

  const update = (changes: Partial<Builtin>) => {
    if (data.kind !== 'builtin') return;
    setData({ ...data, ...changes });
  };

  return (
    <section className="dock-data" aria-label="Data">
      <h3 className="dock-section-title">Data</h3>
      <label className="dock-field">
        <span>set</span>
        <select
          className="dock-input"
          aria-label="Data set"
          value={choice}
          onChange={(e) => {
            const v = e.target.value;
            if (v && v !== 'csv') setData(builtinReference(v as BuiltinDatasetName, data));
          }}
        >
          {choice === '' && <option value="">— none —</option>}
          {BUILTIN_DATASETS.map((d) => (
            <option key={d.id} value={d.id}>{d.title}</option>
          ))}
          {data.kind === 'csv' && <option value="csv">{data.fileName}</option>}
        </select>
      </label>
      {info && <p className="dock-note">{info.description}</p>}
      <BindOffer />
      {data.kind === 'builtin' && (
        <div className="dock-grid">
          {info?.kind === 'plane' && (
            <NumberField label="noise" value={data.noise} min={0} max={1} step={0.05} onCommit={(noise) => update({ noise })} />
          )}
          <NumberField label="train ratio" value={data.trainRatio} min={0.05} max={1} step={0.05} onCommit={(trainRatio) => update({ trainRatio })} />
          <NumberField label="data seed" value={data.seed} min={-2147483648} max={2147483647} step={1} onCommit={(seed) => update({ seed: Math.round(seed) })} />
        </div>
      )}
      {data.kind === 'builtin' && info?.kind === 'plane' && (
        <fieldset className="dock-features">
          <legend>input features</legend>
          {PLANE_FEATURES.map((f) => {
            const on = (data.features ?? DEFAULT_PLANE_FEATURES).includes(f);
            return (
              <label key={f} className="dock-check">
                <input
                  type="checkbox"
                  checked={on}
                  aria-label={`Feature ${featureLabel(f)}`}
                  // Adds or removes the Input that reads it too (wired into the first layer): one undo step.
                  onChange={() => edit(editor, (d) => toggleFeature(d, f, !on))}
                />
                {featureLabel(f)}
              </label>
            );
          })}
        </fieldset>
      )}
      {data.kind === 'csv' && (
        <p className="dock-note">
          {data.fileName}: target {Object.entries(data.roles).filter(([, r]) => r === 'target').map(([c]) => c).join(', ')}
        </p>
      )}
      {loaded && (
        <p className="dock-note">
          {loaded.trainSize.toLocaleString('en-US')} train · {loaded.testSize.toLocaleString('en-US')} test · inputs {info?.kind === 'image' && info.imageShape ? `${info.imageShape.join('×')} images` : (info?.kind === 'plane' ? loaded.featureNames.map(featureLabel) : loaded.featureNames).join(', ')}
        </p>
      )}
      {loaded?.notes.map((n, i) => <p key={i} className="dock-note">{n}</p>)}
      <CsvImport onUse={setData} />
    </section>
  );
});
