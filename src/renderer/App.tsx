import { useEffect, useState, useCallback } from 'react';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import type { NodeType } from '../core/document';
import { Inspector } from './components/Inspector';
import { NetworkStatus } from './components/NetworkStatus';
import { Palette } from './components/Palette';
import { StatusBar } from './components/StatusBar';
import { Toolbar } from './components/Toolbar';
import { TrainerBanner } from './components/TrainerBanner';
import { GRID_SIZE } from './components/Canvas';
import { AnalysisProvider } from './editor/analysis';
import { EditorContext, createEditor, useEditor, useHistory, useView, type Editor } from './editor/context';
import { EditorCanvas } from './editor/EditorCanvas';
import { TemplatesMenu } from './editor/TemplatesMenu';
import { TrainerStoreContext, type TrainerStore } from './state/trainer';
import { DropHint, ExportMenu, FileDialogs, FilesContext, createWindowFiles, useFiles, useFilesWiring, type WindowFiles } from './files/FilesUI';
import { Dock, TrainingStatusItem } from './training/Dock';
import { TrainingStoreContext, createTrainingStore, type TrainingStore } from './training/store';
import { useTrainingToolbar } from './training/toolbar';
import { LearnMenu, LessonFileProblem } from './learn/LearnMenu';
import { LessonPanel } from './learn/LessonPanel';
import { QuantizeDialog } from './learn/QuantizeDialog';
import { CalibrationDialog } from './learn/CalibrationDialog';
import { RunsDialog } from './learn/RunsDialog';
import { useLesson } from './learn/store';
import './App.css';
import './editor/editor.css';

export interface AppProps {
  /** The trainer connection of this window (tests pass one over a fake transport). */
  trainer: TrainerStore;
  /** The editor of this window (tests may pass one with a document loaded). */
  editor?: Editor;
  /** The training store of this window (made over `trainer` and the editor when not given). */
  training?: TrainingStore;
  /** New/Open/Save/Export of this window (made over the editor and training when not given). */
  files?: WindowFiles;
}

function EditorToolbar() {
  const { actions } = useEditor();
  const { canUndo, canRedo } = useHistory();
  const templatesOpen = useView((s) => s.templatesOpen);
  const flow = useReactFlow();
  const training = useTrainingToolbar();
  const { controller: files } = useFiles();
  const fit = () => void flow.fitView({ padding: 0.15, maxZoom: 1.5, duration: 200 });
  const layout = () => {
    const sizeOf = (id: string) => {
      const n = flow.getInternalNode(id);
      return n?.measured.width && n.measured.height ? { width: n.measured.width, height: n.measured.height } : undefined;
    };
    void actions.autoLayout(sizeOf, GRID_SIZE).then((ok) => { if (ok) window.setTimeout(fit, 30); });
  };
  return (
    <Toolbar
      editor={{
        onNew: () => void files.newDocument(),
        onOpen: () => void files.open(),
        onSave: () => void files.save(),
        onSaveAs: () => void files.saveAs(),
        exportMenu: <ExportMenu />,
        onUndo: () => {
          actions.undo();
          focusCanvas();
        },
        onRedo: () => {
          actions.redo();
          focusCanvas();
        },
        canUndo,
        canRedo,
        onTemplates: actions.toggleTemplates,
        templatesOpen,
        templatesMenu: <TemplatesMenu />,
        learnMenu: <LearnMenu />,
        onLayout: layout,
        onFit: fit,
        onHelp: actions.toggleHelp,
      }}
      training={training}
    />
  );
}

/** After Undo or Redo from the toolbar, the keyboard is back on the canvas (the button may now be disabled). */
function focusCanvas(): void {
  document.querySelector<HTMLElement>('main.canvas')?.focus({ preventScroll: true });
}

/** The palette, whose items also add their node at the centre of the view (click, Enter or Space). */
function EditorPalette() {
  const { actions } = useEditor();
  const flow = useReactFlow();
  const onAdd = useCallback(
    (type: NodeType) => {
      const box = document.querySelector('main.canvas')?.getBoundingClientRect();
      if (!box) return;
      // The part of the canvas not under the training dock.
      const dockTop = document.querySelector('section.dock')?.getBoundingClientRect().top ?? box.bottom;
      const bottom = Math.max(box.top + 40, Math.min(box.bottom, dockTop));
      const { x, y, zoom } = flow.getViewport();
      actions.placeCentred(type, { x: (box.width / 2 - x) / zoom, y: ((bottom - box.top) / 2 - y) / zoom });
    },
    [actions, flow],
  );
  return <Palette dropReady onAdd={onAdd} />;
}

/** The main window: toolbar, palette | canvas | inspector, status bar. */
export function App({ trainer, editor: given, training: givenTraining, files: givenFiles }: AppProps) {
  const [editor] = useState(() => given ?? createEditor());
  const [training] = useState(() => givenTraining ?? createTrainingStore({ trainer, editor }));
  const [files] = useState(() => givenFiles ?? createWindowFiles(editor, training));
  const draggingFile = useFilesWiring(files);
  const learning = useLesson((s) => s.lesson !== null);
  useEffect(() => {
    void trainer.getState().start();
    return () => trainer.getState().stop();
  }, [trainer]);

  return (
    <TrainerStoreContext.Provider value={trainer}>
      <EditorContext.Provider value={editor}>
        <TrainingStoreContext.Provider value={training}>
        <FilesContext.Provider value={files}>
        <ReactFlowProvider>
          <AnalysisProvider>
            <div className={learning ? 'app learning' : 'app'}>
              <EditorToolbar />
              <EditorPalette />
              <EditorCanvas />
              <Inspector />
              <LessonPanel />
              <LessonFileProblem />
              <QuantizeDialog />
              <CalibrationDialog />
              <RunsDialog />
              <Dock />
              <StatusBar network={<NetworkStatus />} training={<TrainingStatusItem />} />
              <TrainerBanner />
              <FileDialogs />
              <DropHint visible={draggingFile} />
            </div>
          </AnalysisProvider>
        </ReactFlowProvider>
        </FilesContext.Provider>
        </TrainingStoreContext.Provider>
      </EditorContext.Provider>
    </TrainerStoreContext.Provider>
  );
}
