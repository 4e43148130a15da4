/**
 * The pair document ↔ trainer as one explicit state machine. No React, no store, no I/O: `transition(machine, event)`
 * returns the next machine and the effects the wiring (store.ts) must carry out. Every number the window shows
 * belongs to a document revision; the machine decides which revision the trainer holds and which one is on screen.
 *
 * Revisions: every New/Open/template (a "fresh" document) and every edit that changes what the trainer needs (the
 * structure, the weights or the data) gets a new revision; an edit back to what the trainer holds (an undo of a
 * breaking edit) gets the held revision back, so training can go on without a reload.
 *
 * The phase is derived from the machine's fields by `phaseOf`, so no combination of fields can disagree with it;
 * which controls each phase enables is data (`CONTROLS`).
 */

export type Phase =
  /** No trainer yet (first start). */
  | 'connecting'
  /** The document has no nodes. */
  | 'empty'
  /** The document cannot train (a validation error, no data set): `reason` says why. */
  | 'invalid'
  /** The trainer is being given the current document. */
  | 'loading'
  /** The trainer holds the current document at step 0. */
  | 'ready'
  | 'running'
  /** The trainer holds the current document after some training, not running. */
  | 'paused'
  /** Training stopped on a NaN/Inf; the last good weights are kept. */
  | 'diverged'
  /** The trainer process died; the document is untouched; Restart is offered. */
  | 'crashed'
  /** The trainer stopped answering (no heartbeat); the document is untouched; Restart is offered. */
  | 'hung'
  /** The trainer refused the document or its data (`reason` is its message). */
  | 'error';

export const PHASES: readonly Phase[] = [
  'connecting', 'empty', 'invalid', 'loading', 'ready', 'running', 'paused', 'diverged', 'crashed', 'hung', 'error',
];

export interface Controls {
  play: boolean;
  pause: boolean;
  step: boolean;
  reset: boolean;
}

/**
 * Which controls each phase enables. Play is enabled exactly when the network is valid, non-empty and a trainer is
 * alive (while loading, Play is remembered and starts once the trainer holds the document).
 */
export const CONTROLS: Readonly<Record<Phase, Controls>> = {
  connecting: { play: false, pause: false, step: false, reset: false },
  empty: { play: false, pause: false, step: false, reset: false },
  invalid: { play: false, pause: false, step: false, reset: false },
  loading: { play: true, pause: false, step: false, reset: false },
  ready: { play: true, pause: false, step: true, reset: true },
  running: { play: false, pause: true, step: false, reset: true },
  paused: { play: true, pause: false, step: true, reset: true },
  diverged: { play: true, pause: false, step: true, reset: true },
  crashed: { play: false, pause: false, step: false, reset: false },
  hung: { play: false, pause: false, step: false, reset: false },
  error: { play: false, pause: false, step: false, reset: false },
};

export type TrainerLink = 'none' | 'up' | 'gone' | 'hung';

export interface Machine {
  /** The current document's revision. */
  doc: number;
  /** The next revision to hand out. */
  nextRev: number;
  /** The current document has no nodes. */
  empty: boolean;
  /** Why the current document cannot train (null: it can). */
  problem: string | null;
  trainer: TrainerLink;
  /** Why the trainer went away, or why it is considered hung. */
  trainerReason: string | null;
  /** The revision the trainer holds (null: nothing loaded on the live trainer). */
  held: number | null;
  /** The revision a load is under way for (null: none). */
  loading: number | null;
  /** The trainer's refusal of the current revision. */
  loadError: string | null;
  /** The revision whose numbers are on screen (null: none). */
  shown: number | null;
  /** The trainer's last word on whether it runs (its `state` events, in order). */
  running: boolean;
  diverged: boolean;
  /** The step of the last snapshot taken. */
  step: number;
  /** Play was pressed while loading: start once loaded. */
  wantRun: boolean;
  /** Reset was asked for: the step-0 snapshot after the last one goes into the document as an undoable edit. */
  resetPending: boolean;
  /** Resets sent whose `state` reply has not come yet. */
  resetsAwaited: number;
}

export type MachineEvent =
  /**
   * The document changed (or was replaced). `fresh`: New, Open, a template, recovery: never the trainer's weights.
   * `sameAsHeld`: everything the trainer needs equals what it holds; `sameAsCurrent`: equals the previous document
   * (only positions, names or the training setup changed).
   */
  | { type: 'document'; fresh: boolean; sameAsHeld: boolean; sameAsCurrent: boolean; empty: boolean; problem: string | null }
  | { type: 'trainer-up' }
  | { type: 'trainer-gone'; reason: string }
  | { type: 'trainer-hung'; reason: string }
  /** Load the current document again (the dock's "Try again" after a refusal). */
  | { type: 'retry' }
  | { type: 'load-sent'; rev: number }
  | { type: 'loaded'; rev: number }
  | { type: 'load-failed'; rev: number; message: string }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'reset' }
  /** A snapshot of the session loaded for revision `rev`. */
  | { type: 'snapshot'; rev: number; running: boolean; step: number }
  /** The trainer's `state` event (`reset`: its reply to a reset). */
  | { type: 'trainer-state'; running: boolean; diverged: boolean; reset?: boolean }
  | { type: 'diverged' };

export type MachineEventType = MachineEvent['type'];

export type Effect =
  /** Give the trainer the current document (revision `rev`); `carry`: write its trained weights in first. */
  | { type: 'load'; rev: number; carry: boolean }
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'reset' }
  /** Ask the trainer for a snapshot now (the held document is current again after an invalid detour). */
  | { type: 'fetch' }
  /**
   * Take every number off the screen (snapshot, charts, divergence). `keep`: the revision may come back (an undo of
   * a breaking edit), so the wiring may keep its chart aside for it; otherwise it is gone for good.
   */
  | { type: 'clear'; keep: number | null }
  /** Take the snapshot just received: show it, chart it, acknowledge it. */
  | { type: 'show' }
  /** Write the snapshot's weights into the document: silently (a pause) or as an undoable edit (a reset). */
  | { type: 'write-weights'; undoable: boolean };

export interface Transition {
  machine: Machine;
  effects: Effect[];
}

export function initialMachine(doc: { empty: boolean; problem: string | null } = { empty: true, problem: null }): Machine {
  return {
    doc: 1,
    nextRev: 2,
    empty: doc.empty,
    problem: doc.problem,
    trainer: 'none',
    trainerReason: null,
    held: null,
    loading: null,
    loadError: null,
    shown: null,
    running: false,
    diverged: false,
    step: 0,
    wantRun: false,
    resetPending: false,
    resetsAwaited: 0,
  };
}

/** The phase the fields add up to. */
export function phaseOf(m: Machine): Phase {
  if (m.trainer === 'none') return 'connecting';
  if (m.trainer === 'gone') return 'crashed';
  if (m.trainer === 'hung') return 'hung';
  if (m.empty) return 'empty';
  if (m.problem !== null) return 'invalid';
  if (m.loadError !== null) return 'error';
  if (m.held !== m.doc) return 'loading';
  if (m.running) return 'running';
  if (m.diverged) return 'diverged';
  return m.step > 0 ? 'paused' : 'ready';
}

export function controlsOf(m: Machine): Controls {
  return CONTROLS[phaseOf(m)];
}

/** The document can train: valid, non-empty, and a trainer alive to train it. */
export function loadable(m: Machine): boolean {
  return m.trainer === 'up' && !m.empty && m.problem === null;
}

type Handler<E extends MachineEvent> = (m: Machine, event: E) => Transition;
type HandlerTable = { [T in MachineEventType]: Handler<Extract<MachineEvent, { type: T }>> };

const same = (machine: Machine): Transition => ({ machine, effects: [] });

/** Load when the document can train and the trainer holds another revision, and no load for it is under way. */
function needLoad(m: Machine, carry: boolean): Effect[] {
  if (!loadable(m) || m.held === m.doc || m.loading === m.doc || m.loadError !== null) return [];
  return [{ type: 'load', rev: m.doc, carry }];
}

/** The transitions: one handler per event. Each returns the next machine and what the wiring must do. */
export const TRANSITIONS: HandlerTable = {
  document(m, e) {
    const effects: Effect[] = [];
    const keep = !e.fresh && e.sameAsHeld && m.held !== null;
    const doc = keep ? m.held! : !e.fresh && e.sameAsCurrent ? m.doc : m.nextRev;
    let next: Machine = {
      ...m,
      doc,
      nextRev: doc === m.nextRev ? m.nextRev + 1 : m.nextRev,
      empty: e.empty,
      problem: e.problem,
      loadError: doc === m.doc ? m.loadError : null,
      wantRun: doc === m.doc ? m.wantRun : false,
    };
    if (next.shown !== null && next.shown !== doc) {
      effects.push({ type: 'clear', keep: next.shown === m.held ? next.shown : null });
      next = { ...next, shown: null };
    }
    // Nothing trains a document that is not the current one (a start may still be on its way: pause regardless).
    if (m.held !== null && m.trainer === 'up' && doc !== m.held && (m.doc === m.held || m.running)) {
      next = { ...next, running: false };
      effects.push({ type: 'pause' });
    }
    if (doc === next.held && next.shown === null && loadable(next) && !e.fresh) effects.push({ type: 'fetch' });
    effects.push(...needLoad(next, !e.fresh && m.shown !== null));
    return { machine: next, effects };
  },

  'trainer-up'(m) {
    const next: Machine = {
      ...m,
      trainer: 'up',
      trainerReason: null,
      held: null,
      loading: null,
      loadError: null,
      running: false,
      diverged: false,
      step: 0,
      shown: null,
      wantRun: false,
      resetPending: false,
      resetsAwaited: 0,
    };
    return { machine: next, effects: [{ type: 'clear', keep: null }, ...needLoad(next, false)] };
  },

  'trainer-gone'(m, e) {
    // The document is untouched; the numbers on screen still describe it (the last snapshot of its run).
    return same({ ...m, trainer: 'gone', trainerReason: e.reason, held: null, loading: null, running: false, wantRun: false });
  },

  'trainer-hung'(m, e) {
    if (m.trainer !== 'up') return same(m);
    return same({ ...m, trainer: 'hung', trainerReason: e.reason, running: false, wantRun: false });
  },

  retry(m) {
    const next: Machine = { ...m, loadError: null, held: m.held === m.doc ? null : m.held };
    return { machine: next, effects: needLoad(next, false) };
  },

  'load-sent'(m, e) {
    const effects: Effect[] = [];
    let next: Machine = { ...m, loading: e.rev, held: null, resetPending: false, resetsAwaited: 0 };
    if (m.running) {
      next = { ...next, running: false };
    }
    if (next.shown !== null) {
      next = { ...next, shown: null, step: 0, diverged: false };
      effects.push({ type: 'clear', keep: null });
    }
    if (m.shown === null) effects.push({ type: 'clear', keep: null });
    return { machine: next, effects };
  },

  loaded(m, e) {
    if (m.trainer !== 'up') return same(m);
    let next: Machine = { ...m, held: e.rev, loading: m.loading === e.rev ? null : m.loading, running: false, diverged: false, step: 0 };
    const effects: Effect[] = [];
    if (e.rev === m.doc) {
      next = { ...next, loadError: null };
      if (m.wantRun && loadable(next)) {
        next = { ...next, wantRun: false };
        effects.push({ type: 'start' });
      }
    } else {
      effects.push(...needLoad(next, true));
    }
    return { machine: next, effects };
  },

  'load-failed'(m, e) {
    const next: Machine = { ...m, held: null, loading: m.loading === e.rev ? null : m.loading, running: false };
    if (e.rev !== m.doc) return { machine: next, effects: needLoad(next, false) };
    return same({ ...next, loadError: e.message, wantRun: false });
  },

  play(m) {
    if (!controlsOf(m).play) return same(m);
    if (m.held === m.doc) return { machine: { ...m, diverged: false }, effects: [{ type: 'start' }] };
    return same({ ...m, wantRun: true });
  },

  pause(m) {
    if (m.wantRun) return same({ ...m, wantRun: false });
    // Even when the trainer has not said it runs yet: a start may be on its way.
    if (m.held === null || m.trainer !== 'up') return same(m);
    return { machine: m, effects: [{ type: 'pause' }] };
  },

  step(m) {
    if (!controlsOf(m).step) return same(m);
    return { machine: { ...m, diverged: false }, effects: [{ type: 'step' }] };
  },

  reset(m) {
    if (!controlsOf(m).reset) return same(m);
    return { machine: { ...m, resetPending: true, resetsAwaited: m.resetsAwaited + 1, diverged: false }, effects: [{ type: 'reset' }] };
  },

  snapshot(m, e) {
    // Only numbers of the current document's run reach the screen.
    if (m.trainer !== 'up' || e.rev !== m.held || e.rev !== m.doc || m.loading !== null) return same(m);
    const next: Machine = { ...m, shown: e.rev, step: e.step };
    const effects: Effect[] = [{ type: 'show' }];
    if (!e.running && !m.running) {
      if (m.resetPending && m.resetsAwaited === 0) {
        effects.push({ type: 'write-weights', undoable: true });
        return { machine: { ...next, resetPending: false }, effects };
      }
      if (e.step > 0 || m.diverged) effects.push({ type: 'write-weights', undoable: false });
    }
    return { machine: next, effects };
  },

  'trainer-state'(m, e) {
    if (m.trainer !== 'up' || m.held === null) return same(m);
    const resetsAwaited = e.reset ? Math.max(0, m.resetsAwaited - 1) : m.resetsAwaited;
    return same({ ...m, running: e.running, diverged: e.running ? false : e.diverged || m.diverged, resetsAwaited });
  },

  diverged(m) {
    if (m.trainer !== 'up' || m.held === null) return same(m);
    return same({ ...m, running: false, diverged: true, wantRun: false });
  },
};

export function transition(m: Machine, event: MachineEvent): Transition {
  const handler = TRANSITIONS[event.type] as Handler<MachineEvent>;
  return handler(m, event);
}
