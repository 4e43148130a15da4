/**
 * How the renderer reaches a trainer. Two transports, one shape:
 * - desktop (Electron): the preload's `window.netwright` asks main for a MessagePort to the trainer utility process;
 *   the port arrives as a window message whose data is TRAINER_PORT_MESSAGE.
 * - browser build: the trainer host runs in a module Web Worker built from src/trainer/entry/worker.ts.
 * Everything above this file talks to a TrainerLink and never learns which one it got.
 */
import type { TrainerPort } from '../../shared/port';
import type { NetwrightApi } from '../../shared/ipc';
import { TRAINER_PORT_MESSAGE } from '../../shared/ipc';
import { describeError } from './client';

export type TrainerTransportKind = 'worker' | 'desktop';

/** One live connection to one trainer instance. */
export interface TrainerLink {
  readonly kind: TrainerTransportKind;
  readonly port: TrainerPort;
  /** Be told (at most once) that the trainer behind this link died. Returns an unsubscribe function. */
  onGone(listener: (reason: string) => void): () => void;
  /** Let go of this trainer: terminates a worker, closes a desktop port. Safe to call twice. */
  close(): void;
}

export interface TrainerTransport {
  readonly kind: TrainerTransportKind;
  /** Open a link to the trainer (starting one if this transport starts its own). */
  connect(): Promise<TrainerLink>;
  /** Replace the trainer with a fresh one (after it died, or because the user asked) and link to it. */
  restart(): Promise<TrainerLink>;
}

/** Adapt a Web Worker (seen from the page) to a TrainerPort. */
export function adaptWorker(worker: Worker): TrainerPort {
  return {
    postMessage: (message) => worker.postMessage(message),
    onMessage(listener) {
      const handler = (event: MessageEvent) => listener(event.data);
      worker.addEventListener('message', handler);
      return () => worker.removeEventListener('message', handler);
    },
    close: () => worker.terminate(),
  };
}

/** Adapt a DOM MessagePort to a TrainerPort. Starts the port. */
export function adaptMessagePort(port: MessagePort): TrainerPort {
  port.start();
  return {
    postMessage: (message) => port.postMessage(message),
    onMessage(listener) {
      const handler = (event: MessageEvent) => listener(event.data);
      port.addEventListener('message', handler);
      return () => port.removeEventListener('message', handler);
    },
    close: () => port.close(),
  };
}

/** A listener set that fires at most once. */
function onceSignal() {
  const listeners = new Set<(reason: string) => void>();
  let fired: string | undefined;
  return {
    subscribe(listener: (reason: string) => void): () => void {
      if (fired !== undefined) {
        listener(fired);
        return () => undefined;
      }
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fire(reason: string): void {
      if (fired !== undefined) return;
      fired = reason;
      for (const listener of [...listeners]) listener(reason);
      listeners.clear();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Browser build: a Web Worker

export function createTrainerWorker(): Worker {
  return new Worker(new URL('../../trainer/entry/worker.ts', import.meta.url), { type: 'module', name: 'netwright-trainer' });
}

/** Describe a worker `error` event: it carries a message for a throw, nothing for a script that failed to load. */
export function describeWorkerError(event: Event): string {
  const error = event as ErrorEvent;
  if (typeof error.message === 'string' && error.message !== '') {
    const message = error.message.replace(/^Uncaught\s+/, '');
    const file = typeof error.filename === 'string' && error.filename !== '' ? error.filename.split('/').pop() : undefined;
    const where = file ? ` (${file}:${error.lineno})` : '';
    return `uncaught error in the trainer: ${message}${where}`;
  }
  return 'the trainer could not start, or stopped without saying why';
}

export function workerTransport(createWorker: () => Worker = createTrainerWorker): TrainerTransport {
  let current: TrainerLink | null = null;

  function link(): TrainerLink {
    const worker = createWorker();
    const gone = onceSignal();
    let closed = false;
    const port = adaptWorker(worker);
    worker.addEventListener('error', (event) => {
      // An uncaught error leaves the host in an unknown state: treat it as dead and stop it, so a restart is clean.
      event.preventDefault();
      if (closed) return;
      closed = true;
      worker.terminate();
      gone.fire(describeWorkerError(event));
    });
    return {
      kind: 'worker',
      port,
      onGone: gone.subscribe,
      close() {
        if (closed) return;
        closed = true;
        worker.terminate();
      },
    };
  }

  return {
    kind: 'worker',
    async connect() {
      current?.close();
      current = link();
      return current;
    },
    async restart() {
      current?.close();
      current = link();
      return current;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Desktop: a MessagePort handed over by the preload

export const DESKTOP_PORT_TIMEOUT_MS = 10_000;

/**
 * Wait for the next window message that carries the trainer port. Only messages the page's own window posted
 * (the preload posts through it) with exactly TRAINER_PORT_MESSAGE as data and one port count.
 */
export function waitForTrainerPort(win: Window, timeoutMs = DESKTOP_PORT_TIMEOUT_MS): { port: Promise<MessagePort>; cancel(): void } {
  let cancel = () => undefined as void;
  const port = new Promise<MessagePort>((resolve, reject) => {
    const handler = (event: MessageEvent) => {
      if (event.source !== win || event.data !== TRAINER_PORT_MESSAGE) return;
      const received = event.ports[0];
      if (!received) return;
      cleanup();
      resolve(received);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`the desktop app did not hand over a trainer channel within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    function cleanup() {
      clearTimeout(timer);
      win.removeEventListener('message', handler);
    }
    cancel = () => {
      cleanup();
      reject(new Error('stopped waiting for the trainer channel'));
    };
    win.addEventListener('message', handler);
  });
  return { port, cancel };
}

export function desktopTransport(api: NetwrightApi, win: Window = window): TrainerTransport {
  let current: TrainerLink | null = null;

  function link(messagePort: MessagePort): TrainerLink {
    const port = adaptMessagePort(messagePort);
    const gone = onceSignal();
    let closed = false;
    const unsubscribe = api.onTrainerGone((info) => {
      if (closed) return;
      closed = true;
      unsubscribe();
      messagePort.close();
      const code = info.exitCode === undefined ? '' : ` (exit code ${info.exitCode})`;
      gone.fire(`${info.reason}${code}`);
    });
    return {
      kind: 'desktop',
      port,
      onGone: gone.subscribe,
      close() {
        if (closed) return;
        closed = true;
        unsubscribe();
        messagePort.close();
      },
    };
  }

  async function open(ask: () => void | Promise<void>): Promise<TrainerLink> {
    current?.close();
    current = null;
    // Listen before asking: the port may arrive before the request's promise settles.
    const waiting = waitForTrainerPort(win);
    try {
      await ask();
    } catch (error) {
      waiting.cancel();
      await waiting.port.catch(() => undefined);
      throw new Error(`the desktop app could not start the trainer: ${describeError(error)}`, { cause: error });
    }
    current = link(await waiting.port);
    return current;
  }

  return {
    kind: 'desktop',
    connect: () => open(() => api.requestTrainerPort()),
    restart: () => open(() => api.restartTrainer()),
  };
}

// ---------------------------------------------------------------------------------------------------------------------

/** The preload's API, when running in the desktop app. */
export function desktopApi(win: Window = window): NetwrightApi | undefined {
  const api = (win as Window & { netwright?: NetwrightApi }).netwright;
  return api?.platform === 'electron' ? api : undefined;
}

/** Pick the transport for where the renderer runs: the desktop app's port if the preload is there, else a worker. */
export function pickTrainerTransport(win: Window = window): TrainerTransport {
  const api = desktopApi(win);
  return api ? desktopTransport(api, win) : workerTransport();
}

/** Connect to a trainer through the transport that fits this environment. */
export function connectTrainer(transport: TrainerTransport = pickTrainerTransport()): Promise<TrainerLink> {
  return transport.connect();
}
