/**
 * Quantize the trained network: fp16 or int8 (per tensor or per output unit), its test split evaluated by the core
 * before and after, memory before and after, and the quantized model exported to ONNX. Opened from the Learn menu.
 */
import { useEffect, useState } from 'react';
import { X } from 'lucide-react';
import { exportOnnx } from '../../core/onnx/export';
import { evaluateQuantization, type QuantizationReport, type QuantOptions } from '../../core/quantize';
import { useEditor } from '../editor/context';
import { notify } from '../editor/store';
import { useFiles } from '../files/FilesUI';
import { useTrainingActions } from '../training/store';
import { lessonStore, useLesson } from './store';

const CHOICES: { id: string; label: string; options: QuantOptions }[] = [
  { id: 'int8-unit', label: 'int8, a scale per output unit', options: { format: 'int8', per: 'unit' } },
  { id: 'int8-tensor', label: 'int8, one scale per weight matrix', options: { format: 'int8', per: 'tensor' } },
  { id: 'fp16', label: 'fp16 (half precision)', options: { format: 'fp16' } },
];

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);
const bytes = (n: number) => (n < 10_000 ? `${n} B` : n < 10_000_000 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

export function QuantizeDialog() {
  const open = useLesson((s) => s.quantizeOpen);
  if (!open) return null;
  return <Dialog />;
}

function Dialog() {
  const editor = useEditor();
  const training = useTrainingActions();
  const { service } = useFiles();
  const [choice, setChoice] = useState(CHOICES[0]!.id);
  const [report, setReport] = useState<QuantizationReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const options = CHOICES.find((c) => c.id === choice)!.options;
  const close = () => lessonStore.setState({ quantizeOpen: false });

  useEffect(() => {
    // The network as trained: the trainer's weights written into the document first (not an undoable edit).
    training.getState().applySnapshotToDocument();
    const r = evaluateQuantization(editor.document.getState().doc, options);
    if (r.ok) {
      setReport(r.report);
      setError(null);
    } else {
      setReport(null);
      setError(r.message);
    }
  }, [choice]); // eslint-disable-line react-hooks/exhaustive-deps

  const exportModel = async () => {
    if (!report) return;
    const doc = editor.document.getState().doc;
    const r = exportOnnx(doc, { quantized: report.quantized });
    if (!r.ok) return notify(editor, 'refused', r.message);
    const suffix = options.format === 'fp16' ? 'fp16' : `int8-${options.per}`;
    const result = await service.exportFile('onnx', r.bytes, `${doc.name || 'network'}-${suffix}`);
    if (result.ok) notify(editor, 'info', `Exported ${result.name}`);
    else if (!result.canceled) notify(editor, 'refused', `Not exported: ${result.message}`);
  };

  return (
    <div className="quantize-backdrop">
      <section className="quantize-dialog" role="dialog" aria-modal="true" aria-label="Quantize" onKeyDown={(e) => { if (e.key === 'Escape') close(); }}>
        <header className="lesson-head">
          <h2 className="lesson-title">Quantize the weights</h2>
          <button type="button" className="lesson-icon" onClick={close} aria-label="Close quantize" autoFocus>
            <X size={16} aria-hidden />
          </button>
        </header>
        <p className="quantize-lead">
          Store each weight in fewer bits and measure what it costs: the {report?.split ?? 'test'} split is run through
          the network with the float32 weights and with the quantized ones. Biases stay float32.
        </p>
        <label className="quantize-choice">
          <span>Format</span>
          <select value={choice} onChange={(e) => setChoice(e.target.value)} aria-label="Quantization format">
            {CHOICES.map((c) => <option key={c.id} value={c.id}>{c.label}</option>)}
          </select>
        </label>
        {error && <p className="quantize-error" role="alert">{error}</p>}
        {report && (
          <table className="quantize-table" aria-label="Before and after">
            <thead>
              <tr><th /><th>float32</th><th>{options.format === 'fp16' ? 'fp16' : 'int8'}</th></tr>
            </thead>
            <tbody>
              <tr><th>loss</th><td data-testid="loss-before">{report.before.loss.toFixed(4)}</td><td data-testid="loss-after">{report.after.loss.toFixed(4)}</td></tr>
              <tr><th>accuracy</th><td data-testid="accuracy-before">{pct(report.before.accuracy)}</td><td data-testid="accuracy-after">{pct(report.after.accuracy)}</td></tr>
              <tr><th>memory</th><td data-testid="memory-before">{bytes(report.bytes.fp32)}</td><td data-testid="memory-after">{bytes(report.bytes.quantized)}</td></tr>
              <tr><th>largest error</th><td>0</td><td>{report.maxError.toPrecision(3)}</td></tr>
            </tbody>
          </table>
        )}
        {report && <p className="quantize-lead">{report.rows} {report.split} rows.</p>}
        <footer className="lesson-nav">
          <span />
          <button type="button" className="lesson-button primary" onClick={() => void exportModel()} disabled={!report}>
            Export quantized ONNX…
          </button>
        </footer>
      </section>
    </div>
  );
}
