import type { LucideIcon } from 'lucide-react';
import {
  CircleHelp, FilePlus, FolderOpen, LayoutTemplate, Maximize, Moon, Network, Pause, Play, Redo2, RotateCcw, Save, SaveAll, SkipForward, StepForward, Sun, Undo2,
} from 'lucide-react';
import type { ReactNode } from 'react';
import { useDraft } from './useDraft';
import { DEFAULT_TRAINING, OPTIMIZER_NAMES, type OptimizerName } from '../../core/document';
import { OPTIMIZERS } from '../../core/optimizers';
import { useTheme } from '../state/theme';
import './Toolbar.css';

export const COMING_SOON = 'coming soon';

const OPTIMIZER_LABELS: Record<OptimizerName, string> = Object.fromEntries(OPTIMIZER_NAMES.map((name) => [name, OPTIMIZERS[name].label])) as Record<OptimizerName, string>;

interface ToolButtonProps {
  label: string;
  icon: LucideIcon;
  /** What the button does when it works; omitted for a button whose feature is not built yet (shown disabled). */
  onClick?: () => void;
  shortcut?: string;
  /** Live but with nothing to do right now (e.g. Undo with no history): disabled, without "coming soon". */
  idle?: boolean;
  /** Why the button is disabled, shown as its tooltip (e.g. why the network cannot train). */
  why?: string | null;
  pressed?: boolean;
}

/** A toolbar button. Without onClick it is disabled and says so: its tooltip reads "<label> — coming soon". */
function ToolButton({ label, icon: Icon, onClick, shortcut, idle, pressed, why }: ToolButtonProps) {
  const ready = onClick !== undefined;
  const tooltip = ready ? (idle && why ? `${label} — ${why}` : shortcut ? `${label} (${shortcut})` : label) : `${label} — ${COMING_SOON}`;
  // The tooltip sits on a wrapper: a disabled button gets no pointer events, so its own title may never show.
  return (
    <span className="tool" title={tooltip}>
      <button type="button" className="tool-button" aria-label={label} disabled={!ready || idle} onClick={onClick} aria-pressed={pressed}>
        <Icon size={17} strokeWidth={1.9} aria-hidden />
      </button>
    </span>
  );
}

function Separator() {
  return <span className="toolbar-separator" role="separator" aria-orientation="vertical" />;
}

/** A training setting shown with its default; disabled until training exists. */
function SettingField({ label, title, value, width }: { label: string; title: string; value: string; width: string }) {
  return (
    <label className="setting" title={`${title} — ${COMING_SOON}`}>
      <span className="setting-label">{label}</span>
      <input className="setting-input" style={{ width }} value={value} disabled readOnly aria-label={title} inputMode="decimal" />
    </label>
  );
}

/** A live training setting: edited as text, committed on Enter or blur; a refused value stays, marked, with the reason as its tooltip. */
function LiveSettingField({ label, title, value, width, commit }: {
  label: string; title: string; value: string; width: string; commit(text: string): string | null;
}) {
  const { problem, inputProps } = useDraft(value, commit);
  return (
    <label className="setting" title={problem ?? title}>
      <span className="setting-label">{label}</span>
      <input
        className="setting-input"
        // Grows with long values (1e6 typed out is 1000000) so the whole number stays readable.
        style={{ width: `max(${width}, calc(${inputProps.value.length}ch + 14px))` }}
        aria-label={title}
        inputMode="decimal"
        {...inputProps}
      />
    </label>
  );
}

/** What training makes live in the toolbar (see src/renderer/training/toolbar.ts). */
export interface ToolbarTraining {
  /** Something is loaded and can train. */
  canTrain: boolean;
  canStep: boolean;
  canReset: boolean;
  /** How fast Play trains. */
  pace?: 'watch' | 'fast' | 'max';
  setPace?(pace: 'watch' | 'fast' | 'max'): void;
  /** Why Play is disabled (an empty or invalid network, no trainer), null when it is not. */
  blocked: string | null;
  running: boolean;
  onPlay(): void;
  onPause(): void;
  onStep(): void;
  onStepEpoch(): void;
  onReset(): void;
  learningRate: number;
  batchSize: number;
  optimizer: OptimizerName;
  /** Returns null when applied, or why the text was refused. */
  setLearningRate(text: string): string | null;
  setBatchSize(text: string): string | null;
  setOptimizer(name: OptimizerName): void;
}

function ThemeToggle() {
  const theme = useTheme((s) => s.theme);
  const toggle = useTheme((s) => s.toggle);
  const next = theme === 'dark' ? 'light' : 'dark';
  const Icon = theme === 'dark' ? Sun : Moon;
  return (
    <button type="button" className="tool-button theme-toggle" onClick={toggle} aria-label={`Switch to ${next} theme`} title={`Switch to ${next} theme`}>
      <Icon size={17} strokeWidth={1.9} aria-hidden />
    </button>
  );
}

/** What the editor makes live in the toolbar; a missing action leaves its button "coming soon". */
export interface ToolbarEditor {
  onNew?: () => void;
  /** File actions (src/renderer/files). */
  onOpen?: () => void;
  onSave?: () => void;
  onSaveAs?: () => void;
  /** The Export button with its menu, after Save. */
  exportMenu?: ReactNode;
  onUndo?: () => void;
  onRedo?: () => void;
  canUndo?: boolean;
  canRedo?: boolean;
  onTemplates?: () => void;
  templatesOpen?: boolean;
  onLayout?: () => void;
  onFit?: () => void;
  onHelp?: () => void;
  /** The templates menu, shown under the Templates button while open. */
  templatesMenu?: ReactNode;
  /** The Learn menu (lessons), beside Templates. */
  learnMenu?: ReactNode;
}

export function Toolbar({ editor = {}, training }: { editor?: ToolbarEditor; training?: ToolbarTraining }) {
  return (
    <header className="toolbar" role="toolbar" aria-label="Main toolbar">
      <div className="brand" aria-label="Netwright">
        <svg className="brand-mark" viewBox="0 0 24 24" aria-hidden>
          <circle cx="5" cy="7" r="2.4" />
          <circle cx="5" cy="17" r="2.4" />
          <circle cx="19" cy="12" r="2.6" />
          <path d="M7.2 7.8 16.6 11.3M7.2 16.2l9.4-3.5" />
        </svg>
        <span>Netwright</span>
      </div>
      <div className="toolbar-group" aria-label="File">
        <ToolButton label="New" icon={FilePlus} onClick={editor.onNew} shortcut={editor.onOpen ? 'Ctrl+N' : undefined} />
        <ToolButton label="Open" icon={FolderOpen} onClick={editor.onOpen} shortcut="Ctrl+O" />
        <ToolButton label="Save" icon={Save} onClick={editor.onSave} shortcut="Ctrl+S" />
        {editor.onSaveAs && <ToolButton label="Save as" icon={SaveAll} onClick={editor.onSaveAs} shortcut="Ctrl+Shift+S" />}
        {editor.exportMenu}
      </div>
      <Separator />
      <div className="toolbar-group" aria-label="History">
        <ToolButton label="Undo" icon={Undo2} onClick={editor.onUndo} idle={!editor.canUndo} shortcut="Ctrl+Z" />
        <ToolButton label="Redo" icon={Redo2} onClick={editor.onRedo} idle={!editor.canRedo} shortcut="Ctrl+Shift+Z" />
      </div>
      <Separator />
      <div className="toolbar-group toolbar-menu-anchor" aria-label="Templates">
        <ToolButton label="Templates" icon={LayoutTemplate} onClick={editor.onTemplates} pressed={editor.templatesOpen} />
        {editor.templatesMenu}
        {editor.learnMenu}
      </div>
      <div className="toolbar-group" aria-label="View">
        <ToolButton label="Auto-layout" icon={Network} onClick={editor.onLayout} shortcut="L" />
        <ToolButton label="Fit view" icon={Maximize} onClick={editor.onFit} shortcut="F" />
      </div>
      <Separator />
      <div className="toolbar-group" aria-label="Training">
        {training ? (
          <>
            {training.running ? (
              <ToolButton label="Pause" icon={Pause} onClick={training.onPause} pressed />
            ) : (
              <ToolButton label="Play" icon={Play} onClick={training.onPlay} idle={!training.canTrain} why={training.blocked} />
            )}
            <ToolButton label="Step" icon={StepForward} onClick={training.onStep} idle={!training.canStep} why={training.blocked} />
            <ToolButton label="Step epoch" icon={SkipForward} onClick={training.onStepEpoch} idle={!training.canStep} why={training.blocked} />
            <ToolButton label="Reset" icon={RotateCcw} onClick={training.onReset} idle={!training.canReset} why={training.blocked} />
          </>
        ) : (
          <>
            <ToolButton label="Play" icon={Play} />
            <ToolButton label="Pause" icon={Pause} />
            <ToolButton label="Step" icon={StepForward} />
            <ToolButton label="Reset" icon={RotateCcw} />
          </>
        )}
      </div>
      <Separator />
      {training ? (
        <div className="toolbar-group settings" aria-label="Training settings">
          <LiveSettingField label="lr" title="Learning rate" value={String(training.learningRate)} width="5.5em" commit={training.setLearningRate} />
          <LiveSettingField label="batch" title="Batch size" value={String(training.batchSize)} width="3.2em" commit={training.setBatchSize} />
          <label className="setting" title="Optimizer">
            <span className="setting-label">optimizer</span>
            <select className="setting-input" aria-label="Optimizer" value={training.optimizer} onChange={(e) => training.setOptimizer(e.target.value as OptimizerName)}>
              {OPTIMIZER_NAMES.map((name) => (
                <option key={name} value={name}>
                  {OPTIMIZER_LABELS[name]}
                </option>
              ))}
            </select>
          </label>
          {training.pace !== undefined && training.setPace && (
            <label className="setting" title="Pace: watch (about a step a frame), fast, or max (as fast as it goes)">
              <span className="setting-label">pace</span>
              <select className="setting-input" aria-label="Pace" value={training.pace} onChange={(e) => training.setPace?.(e.target.value as 'watch' | 'fast' | 'max')}>
                <option value="watch">watch</option>
                <option value="fast">fast</option>
                <option value="max">max</option>
              </select>
            </label>
          )}
        </div>
      ) : (
      <div className="toolbar-group settings" aria-label="Training settings">
        <SettingField label="lr" title="Learning rate" value={String(DEFAULT_TRAINING.learningRate)} width="4.5em" />
        <SettingField label="batch" title="Batch size" value={String(DEFAULT_TRAINING.batchSize)} width="3.2em" />
        <label className="setting" title={`Optimizer — ${COMING_SOON}`}>
          <span className="setting-label">optimizer</span>
          <select className="setting-input" aria-label="Optimizer" disabled value={DEFAULT_TRAINING.optimizer} onChange={() => undefined}>
            {OPTIMIZER_NAMES.map((name) => (
              <option key={name} value={name}>
                {OPTIMIZER_LABELS[name]}
              </option>
            ))}
          </select>
        </label>
      </div>
      )}
      <div className="toolbar-spacer" />
      {editor.onHelp && (
        <button type="button" className="tool-button" onClick={editor.onHelp} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
          <CircleHelp size={17} strokeWidth={1.9} aria-hidden />
        </button>
      )}
      <ThemeToggle />
    </header>
  );
}
