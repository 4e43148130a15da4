/**
 * The trainer protocol: what the renderer (or any client) says to the trainer host, and what it hears back.
 * Every message carries a sequence number; replies name the command they answer in `replyTo`.
 * Bump PROTOCOL_VERSION on any incompatible change.
 */
import { z } from 'zod';
import type { DataReference, NetworkDocument, TrainingSetup } from '../core/document';
import type { ParamLayout } from '../core/network/compile';
import { trainingSchema } from '../core/schema';

// zod 4 probes `new Function` to speed up parsing; a strict Content-Security-Policy (no 'unsafe-eval') forbids it,
// and this module is imported by the page. Parsing works the same without it.
z.config({ jitless: true });

/** The major version: a host refuses (error 'version-mismatch') a client that says hello with another one. */
export const PROTOCOL_VERSION = 1;

const seq = z.number().int().nonnegative();

const finite = z.number().finite();

/** Hyperparameters a client may change at any time, including while training runs (the learning rate above all). */
export const setupChangesSchema = trainingSchema
  // The fields and limits are the file format's (src/core/schema.ts, src/core/limits.ts), so a setup the trainer
  // takes always saves; the trainer's random generator takes whole seeds only.
  .extend({ seed: z.number().int() })
  .partial()
  .strict();

export const trainerCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), seq, clientProtocolVersion: z.number().int() }),
  z.object({ type: z.literal('ping'), seq, payload: z.string().max(1024).optional() }),
  /**
   * Load a network and its data. `document` is checked by the core's document schema; `data` defaults to the
   * document's own data reference. Training stops; the session starts from the document's weights (initialised by
   * the training setup where it has none). `startStep`: the step these weights were trained to (imported trained
   * weights that say so); the session counts on from it. Else the document's history's last step, else 0.
   */
  z.object({ type: z.literal('load'), seq, document: z.unknown(), data: z.unknown().optional(), startStep: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional() }),
  /** Change hyperparameters; takes effect at the next step, also while running. */
  z.object({ type: z.literal('setup'), seq, changes: setupChangesSchema }),
  /** Train continuously; with `untilEpoch`, stop by itself once that many epochs are complete. */
  z.object({ type: z.literal('start'), seq, untilEpoch: z.number().int().positive().optional() }),
  z.object({ type: z.literal('pause'), seq }),
  /** Take `batches` optimiser steps (paused or not), then send a snapshot. */
  z.object({ type: z.literal('step'), seq, batches: z.number().int().positive().max(1_000_000) }),
  /** Train to the end of the current epoch, then send a snapshot. */
  z.object({ type: z.literal('stepEpoch'), seq }),
  /** Back to step 0: the loaded weights, or (with `seed`) fresh ones from the initialiser with that seed. */
  z.object({ type: z.literal('reset'), seq, seed: z.number().int().optional() }),
  /**
   * How fast `start` trains: at most `stepsPerSecond` optimiser steps a second (about one a frame lets a learner
   * watch the boundary move), or as fast as it can (null, the default). Takes effect at once, also while running.
   */
  z.object({ type: z.literal('pace'), seq, stepsPerSecond: z.number().positive().max(1e9).nullable() }),
  /** Send a snapshot now (outside the ack pacing: use it sparingly). */
  z.object({ type: z.literal('snapshot'), seq }),
  /** The client has drawn snapshot `id` (and every earlier one): the trainer may send the next. */
  z.object({ type: z.literal('ack'), seq, snapshot: z.number().int().positive() }),
  /**
   * What snapshots should carry besides weights and metrics: each listed node's output over the input plane
   * (2-D data only), and every node's z and activation for one example.
   */
  z.object({
    type: z.literal('view'),
    seq,
    heatmaps: z.object({ nodeIds: z.array(z.string()).max(2_000), resolution: z.number().int().min(4).max(128) }).nullable().optional(),
    example: z.array(finite).max(100_000).nullable().optional(),
  }),
]);

export type TrainerCommand = z.infer<typeof trainerCommandSchema>;
export type TrainerCommandType = TrainerCommand['type'];

export type TrainerErrorCode =
  | 'malformed'
  | 'unknown-command'
  | 'version-mismatch'
  | 'internal'
  /** The document failed the schema, or cannot be trained (the core's validation errors). */
  | 'invalid-document'
  /** The data set could not be built (e.g. a CSV error naming row and column). */
  | 'data-error'
  /** A training command before any `load`. */
  | 'not-loaded';

/** Metrics of the whole data set at one moment (not of a single batch). */
export interface EvaluationSnapshot {
  /**
   * The step whose weights were measured. While training runs, an evaluation of a large set is reused for a while
   * (src/trainer/session.ts), so it may be older than the snapshot's step; charts draw it at this step.
   */
  step?: number;
  trainLoss: number;
  testLoss: number | null;
  trainAccuracy?: number;
  testAccuracy?: number;
  /** counts[true class][predicted class] on the test split (the training split if it is empty). */
  confusion?: number[][];
  /** Multiclass: the first test examples the network gets wrong (row in the test split, true and predicted class,
   *  the predicted probabilities). */
  misclassified?: { row: number; truth: number; guess: number; probabilities: number[] }[];
}

/** Everything the window needs to draw the network as it is now. Sent paced by acks, latest wins. */
export interface TrainingSnapshot {
  /** Snapshot id, to acknowledge with `ack`. */
  id: number;
  step: number;
  epoch: number;
  running: boolean;
  learningRate: number;
  /** Every parameter, laid out as in the `loaded` event's layout (copied: ports clone, they do not transfer). */
  params: Float32Array;
  /** dLoss/dparam of the last batch, same layout. */
  grads: Float32Array;
  /**
   * The gradient along each edge that carries no weight block of its own and leads into an image node (Conv2D,
   * pooling, Flatten, BatchNorm, GlobalAveragePool): edge id → root mean square, per example, of dLoss/dOutput of the
   * edge's target in the last batch (the gradient the target passes back along the edge). One number per such edge;
   * absent or empty before the first step.
   */
  edgeGrads?: Record<string, number>;
  evaluation: EvaluationSnapshot;
  /** Mean loss of the batches since the previous snapshot (null when no step was taken). */
  batchLoss: number | null;
  /** Optimiser steps per second, measured over the last second of running (0 when paused). */
  stepsPerSecond: number;
  /** Requested with `view`: node id → output over the plane, resolution² values, row 0 at y = −extent. */
  heatmaps?: Record<string, Float32Array>;
  heatmapExtent?: number;
  /** Requested with `view`: every node's pre-activation (null where it has none) and activation for the example. */
  trace?: Record<string, { z: number[] | null; a: number[] }>;
  /**
   * Dead ReLU units, vanishing and exploding layer gradients (src/core/diagnostics.ts), recomputed at most every
   * ~500 ms while training runs (the latest result is repeated in between). Absent before anything was loaded.
   */
  diagnostics?: SnapshotDiagnostics;
}

/** What the diagnostics found, by node id (see src/core/diagnostics.ts for the thresholds). */
export interface SnapshotDiagnostics {
  deadUnits: Record<string, number[]>;
  vanishing: string[];
  exploding: string[];
}

/**
 * Where each parameter lives in the flat `params` and `grads` arrays of a snapshot: the core's layout (derived from
 * the kinds' parameter slots) without its regularisation mask. `nodes` holds every node slot by name; `biases` the
 * 'bias' slots again, for views that show only those (a layout without `nodes` has no other node slots).
 */
export type ParameterLayout = Pick<ParamLayout, 'size' | 'edges' | 'biases'> & Partial<Pick<ParamLayout, 'nodes'>>;

export type StateReason = 'loaded' | 'started' | 'paused' | 'epochs-reached' | 'diverged' | 'reset' | 'setup';

export type TrainerEvent =
  | { type: 'hello'; seq: number; replyTo: number; protocolVersion: number; host: string }
  | { type: 'pong'; seq: number; replyTo: number; payload?: string }
  | { type: 'error'; seq: number; replyTo?: number; code: TrainerErrorCode; message: string }
  | {
      type: 'loaded';
      seq: number;
      replyTo: number;
      layout: ParameterLayout;
      featureNames: string[];
      targetNames: string[];
      task: 'binary' | 'multiclass' | 'regression';
      trainSize: number;
      testSize: number;
      /** Things the user should know about the data (rows dropped, classes mapped, scaling). */
      notes: string[];
      setup: TrainingSetup;
    }
  | { type: 'state'; seq: number; replyTo?: number; running: boolean; step: number; epoch: number; reason: StateReason; setup: TrainingSetup }
  | ({ type: 'snapshot'; seq: number; replyTo?: number } & TrainingSnapshot)
  | {
      type: 'diverged';
      seq: number;
      replyTo?: number;
      /** The step that failed; the weights are those after the step before it. */
      step: number;
      epoch: number;
      /** 'loss', or the id of the edge or node whose value became NaN or infinite. */
      where: string;
      message: string;
    };

/** The payload of a `load` command, typed for senders (the host checks it with the core's schema). */
export interface LoadPayload {
  document: NetworkDocument;
  data?: DataReference;
}

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
  if (record.type === 'setup') {
    const undefinedAt = undefinedField(record.changes, 'changes');
    if (undefinedAt) return fail('malformed', `setup: ${undefinedAt}: must be a value (leave the field out to keep the current one)`);
  }
  const parsed = trainerCommandSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'command';
    return fail('malformed', `${record.type}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return { ok: true, command: parsed.data };
}

/**
 * The path of the first field present with the value `undefined` (structured clone keeps such keys). `.partial()`
 * and `.optional()` let them through, and a session merging the changes would copy them in: batchSize or schedule
 * would break, beta1 or l2 would read as a divergence. Setup changes must leave a field out, never send it empty.
 */
function undefinedField(value: unknown, path: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) return `${path}.${key}`;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
