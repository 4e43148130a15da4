/**
 * Adapters from the message channels the trainer runs behind to a TrainerPort.
 * The types are structural and minimal on purpose: src/trainer has no DOM, Node or Electron types.
 */
import type { TrainerPort } from '../shared/port';

/** The part of Electron's MessagePortMain the trainer uses. */
export interface MessagePortMainLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  off?(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}

/** Electron's MessagePortMain (in the utility process) as a TrainerPort. Starts the port. */
export function fromMessagePortMain(port: MessagePortMainLike): TrainerPort {
  const listeners = new Set<(message: unknown) => void>();
  port.on('message', (event) => {
    for (const listener of [...listeners]) listener(event.data);
  });
  port.start();
  return {
    postMessage: (message) => port.postMessage(message),
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => port.close(),
  };
}

/** Anything that dispatches `message` events with `data`: a Web Worker's global scope, a DOM MessagePort. */
export interface MessageEventTargetLike {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
  /** A DOM MessagePort needs start() when listened to with addEventListener; a worker scope has none. */
  start?(): void;
  close?(): void;
}

/** A worker scope or DOM MessagePort as a TrainerPort. */
export function fromMessageEventTarget(target: MessageEventTargetLike): TrainerPort {
  const port: TrainerPort = {
    postMessage: (message) => target.postMessage(message),
    onMessage(listener) {
      const handle = (event: { data: unknown }) => listener(event.data);
      target.addEventListener('message', handle);
      return () => target.removeEventListener('message', handle);
    },
  };
  if (target.close) port.close = () => target.close?.();
  target.start?.();
  return port;
}
