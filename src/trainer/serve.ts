/**
 * The utility-process side of the handshake with main: main posts a message carrying one MessagePortMain in
 * `ports`; the trainer speaks the protocol on it. A later message with a new port (the renderer reloaded, or
 * asked again) replaces the old connection: its host is disposed and its port closed.
 */
import { fromMessagePortMain, type MessagePortMainLike } from './adapters';
import type { TrainerHost, TrainerHostOptions } from './host';
import { startTrainingHost } from './training-host';

/** The part of Electron's `process.parentPort` the trainer uses. */
export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown; ports: readonly MessagePortMainLike[] }) => void): unknown;
}

export interface ParentPortServer {
  /** How many ports have been connected so far. */
  readonly connections: number;
  /** Dispose the current host and close its port. */
  dispose(): void;
}

export function serveParentPort(parentPort: ParentPortLike, options: TrainerHostOptions = {}): ParentPortServer {
  let current: { host: TrainerHost; port: MessagePortMainLike } | undefined;
  let connections = 0;

  function disconnect(): void {
    if (!current) return;
    const { host, port } = current;
    current = undefined;
    host.dispose();
    try {
      port.close();
    } catch (error) {
      options.onUnreportableError?.(error);
    }
  }

  parentPort.on('message', (event) => {
    const port = event.ports?.[0];
    if (!port) {
      options.onUnreportableError?.(new Error('main sent a message without a port; the trainer only accepts ports from main'));
      return;
    }
    disconnect();
    connections++;
    const host = startTrainingHost(fromMessagePortMain(port), options);
    const connection = { host, port };
    current = connection;
    port.on('close', () => {
      // The renderer end went away (reload, window closed): stop this host, unless it was already replaced.
      if (current === connection) {
        current = undefined;
        host.dispose();
      }
    });
  });

  return {
    get connections() {
      return connections;
    },
    dispose: disconnect,
  };
}
