import { useEffect, useState } from 'react';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
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
        onUndo: actions.undo,
        onRedo: actions.redo,
        canUndo,
        canRedo,
        onTemplates: actions.toggleTemplates,
        templatesOpen,
        templatesMenu: <TemplatesMenu />,
        onLayout: layout,
        onFit: fit,
        onHelp: actions.toggleHelp,
      }}
      training={training}
    />
  );
}

/** The main window: toolbar, palette | canvas | inspector, status bar. */
export function App({ trainer, editor: given, training: givenTraining, files: givenFiles }: AppProps) {
  const [editor] = useState(() => given ?? createEditor());
  const [training] = useState(() => givenTraining ?? createTrainingStore({ trainer, editor }));
  const [files] = useState(() => givenFiles ?? createWindowFiles(editor, training));
  const draggingFile = useFilesWiring(files);
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
            <div className="app">
              <EditorToolbar />
              <Palette dropReady />
              <EditorCanvas />
              <Inspector />
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
