/**
 * Inspector inputs. Each commits through a callback that returns a refusal reason or null; a refused value stays in
 * the field with the reason under it, so the user sees what was wrong.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { formatValue } from './trace';
import { asciiMinus } from '../../shared/numbers';

export type Commit<T> = (value: T) => string | null;

interface NumberFieldProps {
  label: string;
  value: number | undefined;
  step: number;
  min?: number;
  max?: number;
  integer?: boolean;
  hint?: string;
  /** A typed value: one undo step. */
  onCommit: Commit<number>;
  /** Dragging the label scrubs the value: begin, many updates, end = one undo step. Without it, no scrubbing. */
  scrub?: { begin(): void; update(value: number): void; end(): void };
}

function clamp(v: number, min?: number, max?: number): number {
  if (min !== undefined && v < min) return min;
  if (max !== undefined && v > max) return max;
  return v;
}

/** A number you can type (Enter or leaving the field commits; ↑/↓ step) or drag on its label to scrub. */
export function NumberField({ label, value, step, min, max, integer, hint, onCommit, scrub }: NumberFieldProps) {
  const id = useId();
  const shown = value === undefined ? '' : integer ? String(value) : formatValue(value);
  const [text, setText] = useState(shown);
  const [error, setError] = useState<string | null>(null);
  const editing = useRef(false);
  useEffect(() => {
    if (!editing.current) {
      setText(shown);
      setError(null);
    }
  }, [shown]);

  const commitText = (raw: string) => {
    const trimmed = asciiMinus(raw.trim().replace(',', '.'));
    const v = Number(trimmed);
    if (trimmed === '' || !Number.isFinite(v)) {
      setError(`“${raw}” is not a number.`);
      return;
    }
    if (integer && !Number.isInteger(v)) {
      setError(`${label} must be a whole number.`);
      return;
    }
    if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
      setError(`${label} must be between ${min ?? '−∞'} and ${max ?? '∞'}.`);
      return;
    }
    const reason = v === value ? null : onCommit(v);
    setError(reason);
    if (!reason) setText(integer ? String(v) : formatValue(v));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      commitText(event.currentTarget.value);
    } else if (event.key === 'Escape') {
      setText(shown);
      setError(null);
      event.currentTarget.blur();
    } else if ((event.key === 'ArrowUp' || event.key === 'ArrowDown') && value !== undefined) {
      event.preventDefault();
      const factor = event.shiftKey ? 10 : 1;
      const next = clamp(roundTo(value + (event.key === 'ArrowUp' ? step : -step) * factor, step), min, max);
      const reason = onCommit(next);
      setError(reason);
    }
  };

  const drag = useRef<{ x: number; start: number } | null>(null);
  /** A scrub just ended: the click that follows must not focus the input (keys then go to the canvas again). */
  const scrubbed = useRef(false);
  const onPointerDown = (event: PointerEvent<HTMLLabelElement>) => {
    if (!scrub || value === undefined || event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: event.clientX, start: value };
    scrubbed.current = false;
    scrub.begin();
  };
  const onPointerMove = (event: PointerEvent<HTMLLabelElement>) => {
    if (!drag.current || !scrub) return;
    const dx = event.clientX - drag.current.x;
    if (Math.abs(dx) >= 3) scrubbed.current = true;
    const next = clamp(roundTo(drag.current.start + Math.round(dx / 3) * step * (event.shiftKey ? 10 : 1), step), min, max);
    scrub.update(integer ? Math.round(next) : next);
  };
  const onPointerUp = () => {
    if (!drag.current || !scrub) return;
    drag.current = null;
    scrub.end();
  };

  return (
    <div className="field">
      <label
        htmlFor={id}
        className={`field-label${scrub ? ' scrub' : ''}`}
        title={scrub ? `${hint ? `${hint} ` : ''}Drag left or right to change.` : hint}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onClick={(e) => { if (scrubbed.current) e.preventDefault(); scrubbed.current = false; }}
      >
        {label}
      </label>
      <input
        id={id}
        className={`field-input nodrag nokey${error ? ' invalid' : ''}`}
        inputMode="decimal"
        value={text}
        placeholder={value === undefined ? 'not set' : undefined}
        aria-invalid={error ? true : undefined}
        onFocus={() => { editing.current = true; }}
        onBlur={(e) => { editing.current = false; if (e.currentTarget.value !== shown) commitText(e.currentTarget.value); }}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      {error && <p className="field-error" role="alert">{error}</p>}
    </div>
  );
}

function roundTo(v: number, step: number): number {
  const digits = Math.max(0, Math.ceil(-Math.log10(step)) + 1);
  return Number(v.toFixed(digits));
}

export function TextField({ label, value, hint, onCommit }: { label: string; value: string; hint?: string; onCommit: Commit<string> }) {
  const id = useId();
  const [text, setText] = useState(value);
  const [error, setError] = useState<string | null>(null);
  const editing = useRef(false);
  useEffect(() => {
    if (!editing.current) setText(value);
  }, [value]);
  const commit = (raw: string) => {
    if (raw === value) return setError(null);
    const reason = onCommit(raw);
    setError(reason);
  };
  return (
    <div className="field">
      <label htmlFor={id} className="field-label" title={hint}>{label}</label>
      <input
        id={id}
        className={`field-input nodrag nokey${error ? ' invalid' : ''}`}
        value={text}
        onFocus={() => { editing.current = true; }}
        onBlur={(e) => { editing.current = false; commit(e.currentTarget.value); }}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => { if (e.key === 'Enter') commit(e.currentTarget.value); if (e.key === 'Escape') { setText(value); e.currentTarget.blur(); } }}
      />
      {hint && !error && <p className="field-hint">{hint}</p>}
      {error && <p className="field-error" role="alert">{error}</p>}
    </div>
  );
}

export function SelectField<T extends string>({ label, value, options, onCommit }: {
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onCommit: Commit<T>;
}) {
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">{label}</label>
      <select id={id} className="field-input nodrag nokey" value={value} onChange={(e) => setError(onCommit(e.target.value as T))}>
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
      {error && <p className="field-error" role="alert">{error}</p>}
    </div>
  );
}

export function CheckField({ label, value, onCommit }: { label: string; value: boolean; onCommit: Commit<boolean> }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="field field-check">
      <label className="field-label">
        <input type="checkbox" className="nodrag nokey" checked={value} onChange={(e) => setError(onCommit(e.target.checked))} />
        {label}
      </label>
      {error && <p className="field-error" role="alert">{error}</p>}
    </div>
  );
}
