/**
 * The browser build's questions, asked in the page: "Save changes?" and "Save as…". A question is a pending
 * promise in a tiny store; <FileDialogs> shows it and answers it. Only one at a time: a second question while one is
 * open is answered "cancel" at once.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { DiscardChoice } from '../../shared/ipc';
import type { BrowserAsk } from './service';

export type Question =
  | { kind: 'discard'; answer(choice: DiscardChoice): void }
  | { kind: 'fileName'; suggested: string; answer(name: string | null): void };

export interface AskState {
  question: Question | null;
}

export interface PageAsk extends BrowserAsk {
  store: StoreApi<AskState>;
}

export function createPageAsk(): PageAsk {
  const store = createStore<AskState>()(() => ({ question: null }));
  return {
    store,
    discard() {
      if (store.getState().question) return Promise.resolve('cancel');
      return new Promise<DiscardChoice>((resolve) => {
        store.setState({
          question: {
            kind: 'discard',
            answer: (choice) => {
              store.setState({ question: null });
              resolve(choice);
            },
          },
        });
      });
    },
    fileName(suggested) {
      if (store.getState().question) return Promise.resolve(null);
      return new Promise<string | null>((resolve) => {
        store.setState({
          question: {
            kind: 'fileName',
            suggested,
            answer: (name) => {
              store.setState({ question: null });
              resolve(name);
            },
          },
        });
      });
    },
  };
}
