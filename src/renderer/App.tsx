import { useEffect } from 'react';
import type { Edge, Node } from '@xyflow/react';
import { ReactFlowProvider } from '@xyflow/react';
import { Canvas } from './components/Canvas';
import { Inspector } from './components/Inspector';
import { Palette } from './components/Palette';
import { StatusBar } from './components/StatusBar';
import { Toolbar } from './components/Toolbar';
import { TrainerBanner } from './components/TrainerBanner';
import { TrainerStoreContext, type TrainerStore } from './state/trainer';
import './App.css';

// The graph editor replaces these with the document's nodes and edges.
const NO_NODES: Node[] = [];
const NO_EDGES: Edge[] = [];

export interface AppProps {
  /** The trainer connection of this window (tests pass one over a fake transport). */
  trainer: TrainerStore;
}

/** The main window: toolbar, palette | canvas | inspector, status bar. */
export function App({ trainer }: AppProps) {
  useEffect(() => {
    void trainer.getState().start();
    return () => trainer.getState().stop();
  }, [trainer]);

  return (
    <TrainerStoreContext.Provider value={trainer}>
      <ReactFlowProvider>
        <div className="app">
          <Toolbar />
          <Palette dropReady={false} />
          <Canvas nodes={NO_NODES} edges={NO_EDGES} />
          <Inspector />
          <StatusBar />
          <TrainerBanner />
        </div>
      </ReactFlowProvider>
    </TrainerStoreContext.Provider>
  );
}
