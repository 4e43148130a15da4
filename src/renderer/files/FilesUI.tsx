/**
 * The window's file handling as React: the controller in a context, the Export menu, the in-page questions of the
 * browser build (Save changes? / Save as…), the crash-recovery offer, opening a dropped file and the File shortcuts.
 */
import { FileDown } from 'lucide-react';
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { EXPORT_KINDS, type ExportKind } from '../../shared/ipc';
import { PopupMenu } from '../components/PopupMenu';
import type { Editor } from '../editor/context';
import { isFileShortcut, shortcutFor } from '../editor/shortcuts';
import type { TrainingStore } from '../training/store';
import { createPageAsk, type AskState, type PageAsk } from './asks';
import { createFileController, type FileController, type FilesState } from './controller';
import { renderGraphImage } from './graphImage';
import { pickFileService, type FileService } from './service';
import './files.css';

export interface WindowFiles {
  controller: FileController;
  ask: PageAsk;
  service: FileService;
  /** Start: the controller listens, and this window's templates ask before replacing changes. Returns stop. */
  attach(): () => void;
}

/**
 * The file handling of one window: desktop when the preload offers files, else the browser's. Loading a template
 * replaces the document too, so this window's `actions.loadTemplate` asks first (Save / Don't save / Cancel) and
 * leaves a new, untitled network (Save then asks where, instead of overwriting the file that was open).
 */
export function createWindowFiles(editor: Editor, training?: TrainingStore, service?: FileService): WindowFiles {
  const ask = createPageAsk();
  const chosen = service ?? pickFileService(ask);
  const controller = createFileController({
    editor,
    training,
    service: chosen,
    renderImage: (kind, doc) => {
      const root = document.querySelector<HTMLElement>('.react-flow');
      if (!root) return Promise.reject(new Error('the canvas is not on screen'));
      return renderGraphImage(root, doc, kind);
    },
  });
  return {
    controller,
    ask,
    service: chosen,
    attach() {
      const loadTemplate = editor.actions.loadTemplate;
      const guarded = (id: string) => {
        void controller.replaceWith(() => loadTemplate(id));
      };
      editor.actions.loadTemplate = guarded;
      const detach = controller.attach();
      return () => {
        detach();
        if (editor.actions.loadTemplate === guarded) editor.actions.loadTemplate = loadTemplate;
      };
    },
  };
}

export const FilesContext = createContext<WindowFiles | null>(null);

export function useFiles(): WindowFiles {
  const files = useContext(FilesContext);
  if (!files) throw new Error('useFiles() needs a <FilesContext.Provider> above it');
  return files;
}

export function useFilesState<T>(selector: (state: FilesState) => T): T {
  return useStore(useFiles().controller.state, selector);
}

const selectQuestion = (s: AskState) => s.question;

export const EXPORT_ITEMS: { kind: ExportKind; label: string }[] = [
  { kind: 'onnx', label: 'ONNX model…' },
  { kind: 'weightsJson', label: 'Weights as JSON…' },
  { kind: 'weightsCsv', label: 'Weights as CSV…' },
  { kind: 'png', label: 'Image of the graph (PNG)…' },
  { kind: 'svg', label: 'Image of the graph (SVG)…' },
  { kind: 'pytorch', label: 'PyTorch project…' },
  { kind: 'numpy', label: 'NumPy script…' },
];

/** The Export button and its menu (drawn in a portal, so the toolbar's scrolling does not clip it). */
export function ExportMenu() {
  const { controller } = useFiles();
  const busy = useFilesState((s) => s.busy);
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);

  return (
    <span className="tool" title="Export">
      <button
        ref={button}
        type="button"
        className="tool-button"
        aria-label="Export"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-pressed={open}
        disabled={busy}
        onClick={() => setOpen((o) => !o)}
      >
        <FileDown size={17} strokeWidth={1.9} aria-hidden />
      </button>
      <PopupMenu open={open} onClose={() => setOpen(false)} anchor={() => button.current} label="Export" className="files-menu">
          {EXPORT_ITEMS.map((item) => (
            <button
              key={item.kind}
              type="button"
              role="menuitem"
              className="files-menu-item"
              onClick={() => {
                setOpen(false);
                void controller.exportAs(item.kind);
              }}
            >
              <span>{item.label}</span>
              <span className="files-menu-ext">.{EXPORT_KINDS[item.kind].extension}</span>
            </button>
          ))}
          <div className="files-menu-separator" role="separator" />
          <button
            type="button"
            role="menuitem"
            className="files-menu-item"
            onClick={() => {
              setOpen(false);
              void controller.importTrainedWeights();
            }}
          >
            <span>Import trained weights…</span>
            <span className="files-menu-ext">.json</span>
          </button>
      </PopupMenu>
    </span>
  );
}

function Dialog({ label, children, onCancel }: { label: string; children: ReactNode; onCancel(): void }) {
  return (
    <div className="files-backdrop" onPointerDown={(e) => { if (e.target === e.currentTarget) onCancel(); }}>
      <section className="files-dialog" role="dialog" aria-modal="true" aria-label={label} onKeyDown={(e) => { if (e.key === 'Escape') onCancel(); }}>
        {children}
      </section>
    </div>
  );
}

function FileNameDialog({ suggested, answer }: { suggested: string; answer(name: string | null): void }) {
  const [name, setName] = useState(suggested);
  return (
    <Dialog label="Save as" onCancel={() => answer(null)}>
      <form onSubmit={(e) => { e.preventDefault(); answer(name); }}>
        <h2>Save as</h2>
        <label className="files-field">
          <span>File name</span>
          <span className="files-name">
            <input autoFocus aria-label="File name" value={name} onChange={(e) => setName(e.target.value)} onFocus={(e) => e.currentTarget.select()} />
            <span className="files-menu-ext">.netwright</span>
          </span>
        </label>
        <p className="files-hint">The browser saves it to your downloads folder.</p>
        <div className="files-actions">
          <button type="button" onClick={() => answer(null)}>Cancel</button>
          <button type="submit" className="primary" disabled={name.trim() === ''}>Save</button>
        </div>
      </form>
    </Dialog>
  );
}

/** The in-page questions of the browser build and the crash-recovery offer (both builds). */
export function FileDialogs() {
  const { ask, controller } = useFiles();
  const question = useStore(ask.store, selectQuestion);
  const offer = useFilesState((s) => s.recovery);
  const name = useFilesState((s) => s.fileName);

  if (question?.kind === 'discard') {
    return (
      <Dialog label="Unsaved changes" onCancel={() => question.answer('cancel')}>
        <h2>Save changes to “{name ?? controller.displayName()}”?</h2>
        <p>Your changes will be lost if you don’t save them.</p>
        <div className="files-actions">
          <button type="button" onClick={() => question.answer('discard')}>Don’t save</button>
          <span className="files-spacer" />
          <button type="button" onClick={() => question.answer('cancel')}>Cancel</button>
          <button type="button" className="primary" autoFocus onClick={() => question.answer('save')}>Save</button>
        </div>
      </Dialog>
    );
  }
  if (question?.kind === 'fileName') return <FileNameDialog suggested={question.suggested} answer={question.answer} />;
  if (offer) {
    const when = new Date(offer.recovery.savedAt);
    const doc = offer.doc;
    return (
      <Dialog label="Recover unsaved work" onCancel={() => void controller.declineRecovery()}>
        <h2>Recover unsaved work?</h2>
        <p>
          Netwright was closed without saving “{doc.name}” ({doc.nodes.length} {doc.nodes.length === 1 ? 'node' : 'nodes'},{' '}
          {doc.edges.length} {doc.edges.length === 1 ? 'connection' : 'connections'}). It was kept on{' '}
          <time dateTime={when.toISOString()}>{when.toLocaleString()}</time>.
        </p>
        <div className="files-actions">
          <button type="button" onClick={() => void controller.declineRecovery()}>Discard it</button>
          <span className="files-spacer" />
          <button type="button" className="primary" autoFocus onClick={() => controller.recover()}>Recover</button>
        </div>
      </Dialog>
    );
  }
  return null;
}

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

/**
 * Start-up and window-wide wiring: the recovery offer, a file dropped anywhere on the window opens it, and in the
 * browser build Ctrl/Cmd+N, O, S, Shift+S (the desktop menu's accelerators send menu commands instead).
 * Returns whether files are being dragged over the window (for the drop hint).
 */
export function useFilesWiring(files: WindowFiles): boolean {
  const { controller, service } = files;
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    const detach = files.attach();
    void controller.checkRecovery();
    return detach;
  }, [files, controller]);

  useEffect(() => {
    let depth = 0;
    const onDragEnter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth++;
      setDragging(true);
    };
    const onDragLeave = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onDragOver = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const onDrop = (event: DragEvent) => {
      depth = 0;
      setDragging(false);
      if (!hasFiles(event)) return;
      event.preventDefault();
      const file = event.dataTransfer?.files[0];
      if (file) void controller.openDropped(file);
    };
    window.addEventListener('dragenter', onDragEnter);
    window.addEventListener('dragleave', onDragLeave);
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onDragEnter);
      window.removeEventListener('dragleave', onDragLeave);
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [controller]);

  useEffect(() => {
    if (service.kind !== 'browser') return;
    const onKeyDown = (event: KeyboardEvent) => {
      const id = shortcutFor(event);
      if (!isFileShortcut(id)) return;
      event.preventDefault();
      if (files.ask.store.getState().question) return;
      if (id === 'newFile') void controller.newDocument();
      else if (id === 'openFile') void controller.open();
      else if (id === 'saveFile') void controller.save();
      else void controller.saveAs();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [controller, service, files.ask]);

  return dragging;
}

/** Shown over the window while a file is dragged over it. */
export function DropHint({ visible }: { visible: boolean }) {
  if (!visible) return null;
  return (
    <div className="files-drop" aria-hidden>
      <p>Drop a .netwright file to open it</p>
    </div>
  );
}
