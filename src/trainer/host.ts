/**
 * The trainer host: speaks the trainer protocol over one TrainerPort.
 *
 * Every incoming message is parsed (src/shared/protocol.ts) and dispatched to the handler registered for its
 * command type. New commands (load, hyperparameters, start/pause/step/reset, snapshots) are added by putting a
 * schema in the protocol and a handler in the table passed as `options.handlers`; nothing here changes.
 *
 * The host never throws at its caller: a malformed or unknown message, a handler that throws or rejects, all become
 * an `error` event on the port.
 */
import {
  PROTOCOL_VERSION,
  parseCommand,
  type CommandOf,
  type DistributiveOmit,
  type TrainerCommand,
  type TrainerCommandType,
  type TrainerErrorCode,
  type TrainerEvent,
  type TrainerEventBody,
} from '../shared/protocol';
import type { TrainerPort } from '../shared/port';

/** The name this host reports in its `hello` event unless options say otherwise. */
export const DEFAULT_HOST_NAME = 'netwright-trainer';

/** What a command handler may do while it handles one command. */
export interface HandlerContext {
  /** The host's name, as reported in `hello`. */
  readonly hostName: string;
  /** Send an event that answers this command: `replyTo` is set to the command's seq. */
  reply(event: DistributiveOmit<TrainerEventBody, 'replyTo'>): void;
  /** Send any event (e.g. an unsolicited progress event). The host stamps its `seq`. */
  send(event: TrainerEventBody): void;
  /** Answer this command with an error event. */
  fail(code: TrainerErrorCode, message: string): void;
  /** True once the host is disposed; long-running handlers should stop sending. */
  readonly disposed: boolean;
}

/** Handles one command type. May be async; a throw or a rejection becomes an 'internal' error event. */
export type CommandHandler<T extends TrainerCommandType = TrainerCommandType> = (
  command: CommandOf<T>,
  context: HandlerContext,
) => void | Promise<void>;

/** The handler table: one entry per command type. */
export type HandlerTable = { [T in TrainerCommandType]?: CommandHandler<T> };

export interface TrainerHostOptions {
  /** Reported in the `hello` event. */
  hostName?: string;
  /** Handlers added to (or replacing) the built-in ones, keyed by command type. */
  handlers?: HandlerTable;
  /** Told about failures that cannot be reported on the port (e.g. postMessage itself threw). */
  onUnreportableError?: (error: unknown) => void;
  /** Called once when the host is disposed (e.g. to stop a training loop). */
  onDispose?: () => void;
}

export interface TrainerHost {
  /** Stop listening and sending. Idempotent. Does not close the port. */
  dispose(): void;
}

/** `hello`: agree on the protocol. The integer PROTOCOL_VERSION is the major version; another one is refused. */
const hello: CommandHandler<'hello'> = (command, context) => {
  if (command.clientProtocolVersion !== PROTOCOL_VERSION) {
    context.fail(
      'version-mismatch',
      `this trainer speaks protocol ${PROTOCOL_VERSION}, the client speaks ${command.clientProtocolVersion}`,
    );
    return;
  }
  context.reply({ type: 'hello', protocolVersion: PROTOCOL_VERSION, host: context.hostName });
};

/** `ping`: answer with a pong that echoes the payload. */
const ping: CommandHandler<'ping'> = (command, context) => {
  context.reply(command.payload === undefined ? { type: 'pong' } : { type: 'pong', payload: command.payload });
};

/** The handlers every host has. */
export const builtInHandlers: HandlerTable = { hello, ping };

export function startTrainerHost(port: TrainerPort, options: TrainerHostOptions = {}): TrainerHost {
  const hostName = options.hostName ?? DEFAULT_HOST_NAME;
  const handlers: HandlerTable = { ...builtInHandlers, ...options.handlers };
  let nextSeq = 1;
  let disposed = false;

  function unreportable(error: unknown): void {
    try {
      options.onUnreportableError?.(error);
    } catch {
      // The last resort must not throw either.
    }
  }

  function send(body: TrainerEventBody): void {
    if (disposed) return;
    const event = { ...body, seq: nextSeq++ } as TrainerEvent;
    try {
      port.postMessage(event);
    } catch (error) {
      unreportable(error);
    }
  }

  function sendError(code: TrainerErrorCode, message: string, replyTo: number | undefined): void {
    send(replyTo === undefined ? { type: 'error', code, message } : { type: 'error', code, message, replyTo });
  }

  function internal(command: TrainerCommand, error: unknown): void {
    sendError('internal', `${command.type} failed: ${describeError(error)}`, command.seq);
  }

  function contextFor(command: TrainerCommand): HandlerContext {
    return {
      hostName,
      reply: (event) => send({ ...event, replyTo: command.seq } as TrainerEventBody),
      send,
      fail: (code, message) => sendError(code, message, command.seq),
      get disposed() {
        return disposed;
      },
    };
  }

  function dispatch(command: TrainerCommand): void {
    const handler = handlers[command.type] as CommandHandler | undefined;
    if (!handler) {
      sendError('unknown-command', `this trainer has no handler for "${command.type}"`, command.seq);
      return;
    }
    try {
      const result = handler(command, contextFor(command));
      if (isPromiseLike(result)) {
        result.then(undefined, (error: unknown) => internal(command, error));
      }
    } catch (error) {
      internal(command, error);
    }
  }

  function onMessage(raw: unknown): void {
    if (disposed) return;
    try {
      const parsed = parseCommand(raw);
      if (!parsed.ok) {
        sendError(parsed.code, parsed.message, parsed.replyTo);
        return;
      }
      dispatch(parsed.command);
    } catch (error) {
      // parseCommand promises not to throw; this is the net under the net.
      sendError('internal', `could not handle a message: ${describeError(error)}`, undefined);
    }
  }

  const stopListening = port.onMessage(onMessage);

  return {
    dispose() {
      if (disposed) return;
      disposed = true;
      stopListening();
      try {
        options.onDispose?.();
      } catch (error) {
        unreportable(error);
      }
    },
  };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  return 'unknown error';
}
