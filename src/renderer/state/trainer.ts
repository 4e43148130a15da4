/**
 * The trainer connection as the UI sees it: connecting → ready (after a real hello round-trip), or gone (the trainer
 * died) / error (it never answered properly). One store per window; components read it through useTrainer().
 */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import { createTrainerClient, describeError, type TrainerClient } from '../trainer/client';
import type { TrainerLink, TrainerTransport, TrainerTransportKind } from '../trainer/transport';

export type TrainerConnection =
  | { status: 'connecting'; transport: TrainerTransportKind }
  | { status: 'ready'; transport: TrainerTransportKind; protocolVersion: number; host: string }
  | { status: 'gone'; transport: TrainerTransportKind; reason: string }
  /** It is still there but stopped answering the heartbeat (an endless loop, a worker that closed itself). */
  | { status: 'hung'; transport: TrainerTransportKind; reason: string }
  | { status: 'error'; transport: TrainerTransportKind; message: string };

export type TrainerStatus = TrainerConnection['status'];

export interface TrainerState {
  connection: TrainerConnection;
  /** The client of the live trainer; null unless the connection is 'ready'. */
  client: TrainerClient | null;
  /** Connect to the trainer and say hello. */
  start(): Promise<void>;
  /** Replace the trainer with a fresh one (the banner's Restart, or the status bar's "Restart trainer"). */
  restart(): Promise<void>;
  /** Let go of the trainer (window closing, tests). */
  stop(): void;
}

export type TrainerStore = StoreApi<TrainerState>;

export interface TrainerStoreOptions {
  /** How long the first hello may take. */
  helloTimeoutMs?: number;
  /** Milliseconds between two heartbeats (a ping) once the trainer is ready; 0 turns the heartbeat off. */
  heartbeatIntervalMs?: number;
  /** Milliseconds a heartbeat may go unanswered before the trainer counts as hung. */
  heartbeatTimeoutMs?: number;
  /** Timers (tests drive time with fake ones). Default: the global setTimeout/clearTimeout. */
  timers?: { setTimeout: (f: () => void, ms: number) => unknown; clearTimeout: (handle: unknown) => void };
}

export const HELLO_TIMEOUT_MS = 10_000;
/**
 * The trainer answers between slices of about 12 ms (also during a long step: it runs in slices too), so a ping
 * unanswered for seconds means it hangs. The page may override both for tests: `?heartbeat=<interval>,<timeout>`.
 */
export const HEARTBEAT_INTERVAL_MS = 2_000;
export const HEARTBEAT_TIMEOUT_MS = 8_000;
/** How long an unanswered heartbeat ping is kept (a load in progress delays its answer; see beat()). */
const PING_KEPT_MS = 10 * 60_000;

/** `?heartbeat=200,1000` in the page's address: interval and timeout in ms (end-to-end tests of a hung trainer). */
export function heartbeatFromUrl(search: string): Pick<TrainerStoreOptions, 'heartbeatIntervalMs' | 'heartbeatTimeoutMs'> {
  const match = /[?&]heartbeat=(\d+),(\d+)/.exec(search);
  if (!match) return {};
  return { heartbeatIntervalMs: Number(match[1]), heartbeatTimeoutMs: Math.max(1, Number(match[2])) };
}

export function createTrainerStore(transport: TrainerTransport, options: TrainerStoreOptions = {}): TrainerStore {
  const helloTimeoutMs = options.helloTimeoutMs ?? HELLO_TIMEOUT_MS;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS;
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_MS;
  const timers = options.timers ?? {
    setTimeout: (f: () => void, ms: number) => setTimeout(f, ms),
    clearTimeout: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  let heartbeat: unknown = null;
  const kind = transport.kind;
  /** Bumped on every start/restart/stop, so a late answer from an older trainer changes nothing. */
  let generation = 0;
  let link: TrainerLink | null = null;
  let stopWatching: (() => void) | null = null;

  return createStore<TrainerState>()((set, get) => {
    function stopHeartbeat(): void {
      if (heartbeat !== null) timers.clearTimeout(heartbeat);
      heartbeat = null;
    }

    /**
     * Ping every interval; a ping unanswered within the timeout means the trainer hangs without dying (the same
     * for a Web Worker and a utility process: it is the protocol's own ping). It is let go and Restart is offered;
     * the document is not touched.
     */
    function beat(mine: number, client: TrainerClient): void {
      if (heartbeatIntervalMs <= 0) return;
      heartbeat = timers.setTimeout(() => {
        heartbeat = null;
        if (mine !== generation || client.disposed) return;
        let answered = false;
        const check = (): void => {
          if (answered || mine !== generation || client.disposed) return;
          // A trainer busy loading a document answers the ping after the load (messages are handled in order); the
          // load's own timeout bounds that wait, so a slow load on a slow machine is not mistaken for a hang.
          if (client.awaiting('load')) {
            deadline = timers.setTimeout(check, heartbeatTimeoutMs);
            return;
          }
          const reason = `the trainer has not answered for ${heartbeatTimeoutMs.toLocaleString('en-US')} ms`;
          generation++;
          teardown(reason);
          set({ connection: { status: 'hung', transport: kind, reason }, client: null });
        };
        let deadline = timers.setTimeout(check, heartbeatTimeoutMs);
        // The deadline above decides when silence is a hang; the ping's own timeout only bounds how long it is kept.
        client.ping('heartbeat', { timeoutMs: PING_KEPT_MS }).then(
          () => {
            answered = true;
            timers.clearTimeout(deadline);
            if (mine === generation && !client.disposed) beat(mine, client);
          },
          () => {
            // A closed client is handled by onGone; silence by the deadline above.
          },
        );
      }, heartbeatIntervalMs);
    }

    function teardown(reason: string): void {
      stopHeartbeat();
      stopWatching?.();
      stopWatching = null;
      get().client?.dispose(reason);
      link?.close();
      link = null;
    }

    async function bringUp(open: () => Promise<TrainerLink>): Promise<void> {
      const mine = ++generation;
      teardown('the trainer is being restarted');
      set({ connection: { status: 'connecting', transport: kind }, client: null });

      let opened: TrainerLink;
      try {
        opened = await open();
      } catch (error) {
        if (mine === generation) set({ connection: { status: 'error', transport: kind, message: describeError(error) } });
        return;
      }
      if (mine !== generation) {
        opened.close();
        return;
      }
      link = opened;
      const client = createTrainerClient(opened.port);
      stopWatching = opened.onGone((reason) => {
        if (mine !== generation) return;
        stopHeartbeat();
        client.dispose(reason);
        set({ connection: { status: 'gone', transport: kind, reason }, client: null });
      });

      try {
        const hello = await client.hello({ timeoutMs: helloTimeoutMs });
        if (mine !== generation) return;
        if (hello.protocolVersion !== PROTOCOL_VERSION) {
          set({
            connection: {
              status: 'error',
              transport: kind,
              message: `the trainer speaks protocol v${hello.protocolVersion}, this window speaks v${PROTOCOL_VERSION}`,
            },
          });
          return;
        }
        set({
          connection: { status: 'ready', transport: kind, protocolVersion: hello.protocolVersion, host: hello.host },
          client,
        });
        beat(mine, client);
      } catch (error) {
        if (mine !== generation || get().connection.status === 'gone') return;
        set({ connection: { status: 'error', transport: kind, message: describeError(error) } });
      }
    }

    return {
      connection: { status: 'connecting', transport: kind },
      client: null,
      start: () => bringUp(() => transport.connect()),
      restart: () => bringUp(() => transport.restart()),
      stop() {
        generation++;
        teardown('the window let go of the trainer');
        set({ client: null });
      },
    };
  });
}

export const TrainerStoreContext = createContext<TrainerStore | null>(null);

/** Read the trainer store of this window. */
export function useTrainer<T>(selector: (state: TrainerState) => T): T {
  const store = useContext(TrainerStoreContext);
  if (!store) throw new Error('useTrainer: no TrainerStoreContext above this component');
  return useStore(store, selector);
}

/** The words the status bar shows for a connection. */
export function describeConnection(connection: TrainerConnection): string {
  switch (connection.status) {
    case 'connecting':
      return 'Connecting to trainer…';
    case 'ready':
      return `Trainer ready · protocol v${connection.protocolVersion}`;
    case 'gone':
      return 'Trainer stopped';
    case 'hung':
      return 'Trainer not answering';
    case 'error':
      return 'Trainer unreachable';
  }
}
