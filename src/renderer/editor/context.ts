import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { NetworkDocument } from '../../core/document';
import { createActions, type EditorActions } from './actions';
import { createEditorStores, type DocumentState, type EditorStores, type ViewState } from './store';

/** One window's editor: its document and view stores, and the actions on them. */
export interface Editor extends EditorStores {
  actions: EditorActions;
}

export function createEditor(initial?: NetworkDocument): Editor {
  const stores = createEditorStores(initial);
  return { ...stores, actions: createActions(stores) };
}

export const EditorContext = createContext<Editor | null>(null);

export function useEditor(): Editor {
  const editor = useContext(EditorContext);
  if (!editor) throw new Error('useEditor() needs an <EditorContext.Provider> above it');
  return editor;
}

/** A narrow selector on the document store. */
export function useDoc<T>(selector: (state: DocumentState) => T): T {
  return useStore(useEditor().document, selector);
}

/** A narrow selector on the view store. */
export function useView<T>(selector: (state: ViewState) => T): T {
  return useStore(useEditor().view, selector);
}

const selectCanUndo = (s: { pastStates: unknown[] }) => s.pastStates.length > 0;
const selectCanRedo = (s: { futureStates: unknown[] }) => s.futureStates.length > 0;

/** Whether undo / redo have anything to do. */
export function useHistory(): { canUndo: boolean; canRedo: boolean } {
  const temporal = useEditor().document.temporal;
  return { canUndo: useStore(temporal, selectCanUndo), canRedo: useStore(temporal, selectCanRedo) };
}
