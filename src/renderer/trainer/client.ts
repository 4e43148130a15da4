/**
 * The renderer's side of the trainer protocol, over any TrainerPort (a Web Worker, an Electron MessagePort, or a fake
 * in tests). Each request gets its own `seq`; the reply is the event whose `replyTo` names it. A request that gets no
 * reply within its timeout, or whose channel is disposed, rejects with a TrainerRequestError — never hangs.
 */
import type { TrainerPort } from '../../shared/port';
import type { TrainerCommand, TrainerErrorCode, TrainerEvent } from '../../shared/protocol';
import { PROTOCOL_VERSION } from '../../shared/protocol';

export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

export type TrainerRequestErrorCode =
  /** No reply arrived in time. */
  | 'timeout'
  /** The client was disposed (the trainer went away or the link was replaced) before the reply came. */
  | 'closed'
  /** The trainer replied with an `error` event. */
  | 'trainer-error'
  /** The trainer replied with an event of the wrong type. */
  | 'unexpected-reply';

export class TrainerRequestError extends Error {
  override readonly name = 'TrainerRequestError';
  constructor(
    readonly code: TrainerRequestErrorCode,
    message: string,
    /** The trainer's own error code, when `code` is 'trainer-error'. */
    readonly trainerCode?: TrainerErrorCode,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  /** Milliseconds to wait for the reply; defaults to the client's timeout. */
  timeoutMs?: number;
}

export type HelloReply = Extract<TrainerEvent, { type: 'hello' }>;
export type PongReply = Extract<TrainerEvent, { type: 'pong' }>;

export interface TrainerClient {
  /** Introduce ourselves; resolves with the host's protocol version and name. */
  hello(options?: RequestOptions): Promise<HelloReply>;
  /** Round-trip a small payload. */
  ping(payload?: string, options?: RequestOptions): Promise<PongReply>;
  /** Send any command and wait for its reply of type `expect` (an `error` reply rejects with 'trainer-error'). */
  request<T extends TrainerEvent['type']>(body: CommandBody, expect: T, options?: RequestOptions): Promise<ReplyOf<T>>;
  /**
   * Send a command without waiting for a reply (ack, view, step…). Returns its seq, or null when the connection is
   * closed or the port refused the message; an error the trainer sends back still reaches `onEvent`.
   */
  send(body: CommandBody): number | null;
  /** Hear every well-formed event, replies included. Returns an unsubscribe function. */
  onEvent(listener: (event: TrainerEvent) => void): () => void;
  /** Stop listening and reject every pending request with code 'closed'. Safe to call twice. */
  dispose(reason?: string): void;
  /** True once dispose() ran. */
  readonly disposed: boolean;
  /** True while a request of this command type still waits for its reply. */
  awaiting(command: CommandBody['type']): boolean;
}

export interface TrainerClientOptions {
  timeoutMs?: number;
  /** Told about messages that are not trainer events (they are otherwise ignored). */
  onMalformed?: (message: unknown) => void;
}

/** The event of one type, e.g. `ReplyOf<'loaded'>`. */
export type ReplyOf<T extends TrainerEvent['type']> = Extract<TrainerEvent, { type: T }>;

/** Commands the client sends, before it stamps their `seq`. */
export type CommandBody = TrainerCommand extends infer C ? (C extends TrainerCommand ? Omit<C, 'seq'> : never) : never;

interface Pending {
  expect: TrainerEvent['type'];
  command: string;
  resolve(event: TrainerEvent): void;
  reject(error: TrainerRequestError): void;
  timer: ReturnType<typeof setTimeout>;
}

const EVENT_TYPES: ReadonlySet<string> = new Set<TrainerEvent['type']>([
  'hello', 'pong', 'error', 'loaded', 'state', 'snapshot', 'diverged',
]);

/** A cheap structural check: the host is ours, but a message channel carries `unknown`. */
export function isTrainerEvent(message: unknown): message is TrainerEvent {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  if (typeof m.type !== 'string' || !EVENT_TYPES.has(m.type)) return false;
  if (typeof m.seq !== 'number') return false;
  if (m.replyTo !== undefined && typeof m.replyTo !== 'number') return false;
  return true;
}

export function createTrainerClient(port: TrainerPort, options: TrainerClientOptions = {}): TrainerClient {
  const defaultTimeout = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const pending = new Map<number, Pending>();
  const listeners = new Set<(event: TrainerEvent) => void>();
  let nextSeq = 1;
  let disposed = false;

  const stopListening = port.onMessage((message) => {
    if (!isTrainerEvent(message)) {
      options.onMalformed?.(message);
      return;
    }
    if (message.replyTo !== undefined) settle(message.replyTo, message);
    for (const listener of [...listeners]) listener(message);
  });

  function settle(replyTo: number, event: TrainerEvent): void {
    const request = pending.get(replyTo);
    if (!request) return;
    pending.delete(replyTo);
    clearTimeout(request.timer);
    if (event.type === request.expect) {
      request.resolve(event);
    } else if (event.type === 'error') {
      request.reject(new TrainerRequestError('trainer-error', `${request.command}: ${event.message}`, event.code));
    } else {
      request.reject(
        new TrainerRequestError('unexpected-reply', `${request.command}: expected a "${request.expect}" reply, got "${event.type}"`),
      );
    }
  }

  function request<T extends TrainerEvent>(body: CommandBody, expect: T['type'], requestOptions?: RequestOptions): Promise<T> {
    if (disposed) {
      return Promise.reject(new TrainerRequestError('closed', `${body.type}: the trainer connection is closed`));
    }
    const seq = nextSeq++;
    const timeoutMs = requestOptions?.timeoutMs ?? defaultTimeout;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(seq);
        reject(new TrainerRequestError('timeout', `${body.type}: no reply from the trainer within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(seq, { expect, command: body.type, resolve: resolve as (e: TrainerEvent) => void, reject, timer });
      try {
        port.postMessage({ ...body, seq });
      } catch (error) {
        pending.delete(seq);
        clearTimeout(timer);
        reject(new TrainerRequestError('closed', `${body.type}: could not send to the trainer (${describeError(error)})`));
      }
    });
  }

  return {
    hello: (requestOptions) =>
      request<HelloReply>({ type: 'hello', clientProtocolVersion: PROTOCOL_VERSION }, 'hello', requestOptions),
    ping: (payload, requestOptions) =>
      request<PongReply>(payload === undefined ? { type: 'ping' } : { type: 'ping', payload }, 'pong', requestOptions),
    request: <T extends TrainerEvent['type']>(body: CommandBody, expect: T, requestOptions?: RequestOptions) =>
      request<ReplyOf<T>>(body, expect as ReplyOf<T>['type'], requestOptions),
    send(body) {
      if (disposed) return null;
      const seq = nextSeq++;
      try {
        port.postMessage({ ...body, seq });
        return seq;
      } catch {
        return null;
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose(reason = 'the trainer connection is closed') {
      if (disposed) return;
      disposed = true;
      stopListening();
      listeners.clear();
      for (const [seq, request] of pending) {
        clearTimeout(request.timer);
        pending.delete(seq);
        request.reject(new TrainerRequestError('closed', `${request.command}: ${reason}`));
      }
    },
    get disposed() {
      return disposed;
    },
    awaiting(command) {
      for (const request of pending.values()) if (request.command === command) return true;
      return false;
    },
  };
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return String(error);
}
