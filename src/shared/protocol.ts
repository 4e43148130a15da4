/**
 * The trainer protocol: what the renderer (or any client) says to the trainer host, and what it hears back.
 * Every message carries a sequence number; replies name the command they answer in `replyTo`.
 * Bump PROTOCOL_VERSION on any incompatible change.
 */
import { z } from 'zod';

/** The major version: a host refuses (error 'version-mismatch') a client that says hello with another one. */
export const PROTOCOL_VERSION = 1;

const seq = z.number().int().nonnegative();

export const trainerCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), seq, clientProtocolVersion: z.number().int() }),
  z.object({ type: z.literal('ping'), seq, payload: z.string().max(1024).optional() }),
]);

export type TrainerCommand = z.infer<typeof trainerCommandSchema>;
export type TrainerCommandType = TrainerCommand['type'];

export type TrainerErrorCode = 'malformed' | 'unknown-command' | 'version-mismatch' | 'internal';

export type TrainerEvent =
  | { type: 'hello'; seq: number; replyTo: number; protocolVersion: number; host: string }
  | { type: 'pong'; seq: number; replyTo: number; payload?: string }
  | { type: 'error'; seq: number; replyTo?: number; code: TrainerErrorCode; message: string };

export type TrainerEventType = TrainerEvent['type'];

/** An event before the host stamps its `seq`: what a command handler hands to `send` or `reply`. */
export type TrainerEventBody = DistributiveOmit<TrainerEvent, 'seq'>;

/** Omit applied to each member of a union (plain Omit would merge the members). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The command of one type, e.g. `CommandOf<'ping'>`. */
export type CommandOf<T extends TrainerCommandType> = Extract<TrainerCommand, { type: T }>;

export type ParsedCommand = { ok: true; command: TrainerCommand } | { ok: false; code: TrainerErrorCode; message: string; replyTo?: number };

const KNOWN_COMMANDS: readonly string[] = trainerCommandSchema.options.map((o) => o.shape.type.value);

/** Check an incoming message; never throws. */
export function parseCommand(raw: unknown): ParsedCommand {
  try {
    return parseUnsafe(raw);
  } catch (error) {
    // Only reachable for objects that throw when read (getters, proxies); cloned messages never do.
    const why = error instanceof Error ? error.message : 'unreadable';
    return { ok: false, code: 'malformed', message: `the command could not be read: ${why}` };
  }
}

function parseUnsafe(raw: unknown): ParsedCommand {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, code: 'malformed', message: `a command must be an object, got ${describe(raw)}` };
  }
  const record = raw as Record<string, unknown>;
  const replyTo = typeof record.seq === 'number' && Number.isInteger(record.seq) ? record.seq : undefined;
  const fail = (code: TrainerErrorCode, message: string): ParsedCommand =>
    replyTo === undefined ? { ok: false, code, message } : { ok: false, code, message, replyTo };
  if (typeof record.type !== 'string') {
    return fail('malformed', 'a command needs a string "type"');
  }
  if (!KNOWN_COMMANDS.includes(record.type)) {
    return fail('unknown-command', `unknown command "${record.type}"`);
  }
  const parsed = trainerCommandSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'command';
    return fail('malformed', `${record.type}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return { ok: true, command: parsed.data };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
