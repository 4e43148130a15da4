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
}

function EditorToolbar() {
  const { actions } = useEditor();
  const { canUndo, canRedo } = useHistory();
  const templatesOpen = useView((s) => s.templatesOpen);
  const flow = useReactFlow();
  const training = useTrainingToolbar();
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
        onNew: actions.newDocument,
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
export function App({ trainer, editor: given, training: givenTraining }: AppProps) {
  const [editor] = useState(() => given ?? createEditor());
  const [training] = useState(() => givenTraining ?? createTrainingStore({ trainer, editor }));
  useEffect(() => {
    void trainer.getState().start();
    return () => trainer.getState().stop();
  }, [trainer]);

  return (
    <TrainerStoreContext.Provider value={trainer}>
      <EditorContext.Provider value={editor}>
        <TrainingStoreContext.Provider value={training}>
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
            </div>
          </AnalysisProvider>
        </ReactFlowProvider>
        </TrainingStoreContext.Provider>
      </EditorContext.Provider>
    </TrainerStoreContext.Provider>
  );
}
