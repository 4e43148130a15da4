/**
 * Model-based test of the document ↔ trainer state machine: random sequences of user and trainer events (New, Open,
 * template, edit, breaking edit, move, undo, Play, Pause, Step, Reset, trainer ticks, deliveries, divergence, crash,
 * hang, restart) run against the machine wired to a fake trainer that behaves like the real one (commands processed
 * in order, events delivered back in order, at random moments). After every command the invariants of issue 10 hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  controlsOf,
  initialMachine,
  phaseOf,
  transition,
  type Effect,
  type Machine,
  type MachineEvent,
} from '../../../src/renderer/training/machine';

/** What the document holds, reduced to what matters here. */
interface Content {
  structure: string;
  /** A token for the weights. */
  w: string;
  empty: boolean;
  valid: boolean;
}

type Outbound =
  | { type: 'loaded'; content: Content }
  | { type: 'state'; running: boolean; diverged: boolean; reset?: boolean }
  | { type: 'snapshot'; running: boolean; step: number; w: string }
  | { type: 'diverged' };

interface World {
  machine: Machine;
  doc: Content;
  /** The undo stack of the document (edits, undoable weight writes). */
  past: Content[];
  /** The fake trainer. */
  trainer: { alive: boolean; held: Content | null; running: boolean; step: number; w: string; hung: boolean };
  queue: Outbound[];
  /** The wiring: the content of the last load answered, the load under way, whether another is wanted. */
  loadedContent: Content | null;
  inFlight: { rev: number; content: Content } | null;
  acceptRev: number | null;
  /** The last snapshot taken (its weights), for write-weights. */
  lastSnapshotW: string | null;
  counter: number;
  /** Weights before the last undoable reset write, and the content after it. */
  resetUndo: { before: string; after: Content } | null;
  /** Set when the last user command was an undo of a reset: the trainer must get `before` back. */
  expectW: string | null;
}

const fresh = (w: World, tag: string): string => `${tag}${++w.counter}`;

function sameAsHeld(w: World): boolean {
  return w.loadedContent !== null && w.loadedContent.structure === w.doc.structure && w.loadedContent.w === w.doc.w;
}

function dispatch(w: World, event: MachineEvent): void {
  const { machine, effects } = transition(w.machine, event);
  w.machine = machine;
  for (const effect of effects) run(w, effect);
}

function documentEvent(w: World, isFresh: boolean, previous: Content): void {
  const sameAsCurrent = previous.structure === w.doc.structure && previous.w === w.doc.w;
  dispatch(w, { type: 'document', fresh: isFresh, sameAsHeld: !isFresh && sameAsHeld(w), sameAsCurrent, empty: w.doc.empty, problem: w.doc.valid ? null : 'broken' });
}

/** The store's load loop: one load at a time, and another while the machine still wants one. */
function pumpLoad(w: World): void {
  const m = w.machine;
  if (w.inFlight || !w.trainer.alive || w.trainer.hung) return;
  if (m.trainer !== 'up' || m.empty || m.problem !== null || m.held === m.doc || m.loadError !== null) return;
  const rev = m.doc;
  w.inFlight = { rev, content: { ...w.doc } };
  w.acceptRev = null;
  dispatch(w, { type: 'load-sent', rev });
  // The trainer processes the load at once (commands arrive in order) and answers in order.
  w.trainer.held = { ...w.doc };
  w.trainer.running = false;
  w.trainer.step = 0;
  w.trainer.w = w.doc.w;
  w.queue.push({ type: 'loaded', content: { ...w.doc } });
  w.queue.push({ type: 'snapshot', running: false, step: 0, w: w.trainer.w });
}

function run(w: World, effect: Effect): void {
  const t = w.trainer;
  const send = (f: () => void) => {
    if (t.alive && !t.hung) f();
  };
  switch (effect.type) {
    case 'load':
      if (effect.carry && t.held && w.lastSnapshotW !== null && w.loadedContent && w.doc.w === w.loadedContent.w) {
        // Keep what training learnt: the trainer's weights go into the edited document (a hand edit would win).
        w.doc = { ...w.doc, w: t.w };
      }
      pumpLoad(w);
      return;
    case 'start':
      send(() => {
        t.running = true;
        w.queue.push({ type: 'state', running: true, diverged: false });
      });
      return;
    case 'pause':
      send(() => {
        t.running = false;
        w.queue.push({ type: 'state', running: false, diverged: false });
        w.queue.push({ type: 'snapshot', running: false, step: t.step, w: t.w });
      });
      return;
    case 'step':
      send(() => {
        t.step++;
        t.w = fresh(w, 'step');
        w.queue.push({ type: 'snapshot', running: t.running, step: t.step, w: t.w });
      });
      return;
    case 'reset':
      send(() => {
        t.running = false;
        t.step = 0;
        t.w = fresh(w, 'init');
        w.queue.push({ type: 'state', running: false, diverged: false, reset: true });
        w.queue.push({ type: 'snapshot', running: false, step: 0, w: t.w });
      });
      return;
    case 'fetch':
      send(() => w.queue.push({ type: 'snapshot', running: t.running, step: t.step, w: t.w }));
      return;
    case 'clear':
      w.lastSnapshotW = null;
      return;
    case 'show':
      return;
    case 'write-weights': {
      const written = { ...w.doc, w: w.lastSnapshotW! };
      if (written.w === w.doc.w) return;
      if (effect.undoable) {
        w.past.push(w.doc);
        w.resetUndo = { before: w.doc.w, after: written };
      }
      w.doc = written;
      // The store's own write: the trainer already has these weights.
      if (w.loadedContent) w.loadedContent = { ...w.loadedContent, w: written.w };
      return;
    }
  }
}

function deliver(w: World): void {
  const event = w.queue.shift();
  if (!event) return;
  switch (event.type) {
    case 'loaded': {
      const rev = w.inFlight!.rev;
      w.inFlight = null;
      w.loadedContent = event.content;
      w.acceptRev = rev;
      dispatch(w, { type: 'loaded', rev });
      pumpLoad(w);
      return;
    }
    case 'state':
      dispatch(w, { type: 'trainer-state', running: event.running, diverged: event.diverged, reset: event.reset ?? false });
      return;
    case 'snapshot': {
      const before = w.machine.shown;
      const { machine, effects } = transition(w.machine, { type: 'snapshot', rev: w.acceptRev ?? -1, running: event.running, step: event.step });
      w.machine = machine;
      if (effects.some((e) => e.type === 'show')) w.lastSnapshotW = event.w;
      for (const effect of effects) run(w, effect);
      void before;
      return;
    }
    case 'diverged':
      dispatch(w, { type: 'diverged' });
      return;
  }
}

function drain(w: World): void {
  for (let i = 0; i < 10_000 && w.queue.length > 0; i++) deliver(w);
}

function newWorld(): World {
  const doc: Content = { structure: 's0', w: 'w0', empty: false, valid: true };
  const w: World = {
    machine: initialMachine({ empty: false, problem: null }),
    doc,
    past: [],
    trainer: { alive: false, held: null, running: false, step: 0, w: '', hung: false },
    queue: [],
    loadedContent: null,
    inFlight: null,
    acceptRev: null,
    lastSnapshotW: null,
    counter: 0,
    resetUndo: null,
    expectW: null,
  };
  startTrainer(w);
  return w;
}

function startTrainer(w: World): void {
  w.trainer = { alive: true, held: null, running: false, step: 0, w: '', hung: false };
  w.queue = [];
  w.inFlight = null;
  w.loadedContent = null;
  w.acceptRev = null;
  dispatch(w, { type: 'trainer-up' });
}

/** Invariants that hold after every command. */
function checkAlways(w: World): void {
  const m = w.machine;
  const phase = phaseOf(m);
  // The dock and canvas show only numbers from the current document's run.
  if (m.shown !== null) expect(m.shown).toBe(m.doc);
  // Play is enabled iff the network is valid and non-empty (with a live trainer that has not refused it).
  const canTrain = m.trainer === 'up' && w.doc.valid && !w.doc.empty && m.loadError === null;
  // (While it runs, Play's place holds Pause.)
  expect(controlsOf(m).play || (phase === 'running' && controlsOf(m).pause)).toBe(canTrain);
  // Nothing trains a document other than the current one, and nothing trains while the window shows it stopped
  // unless the trainer has yet to hear (or answer) the command.
  if (w.trainer.alive && !w.trainer.hung && w.trainer.running) {
    expect(w.trainer.held).not.toBeNull();
    expect(w.trainer.held!.structure).toBe(w.doc.structure);
  }
  expect(['empty', 'invalid'].includes(phase)).toBe(m.trainer === 'up' && (w.doc.empty || !w.doc.valid));
}

/** After every queued event is delivered: the trainer holds the document, and runs exactly when the window says so. */
function checkSettled(w: World): void {
  const m = w.machine;
  if (!(m.trainer === 'up' && w.trainer.alive)) return;
  if (w.doc.empty || !w.doc.valid) {
    expect(w.trainer.running).toBe(false);
    return;
  }
  expect(m.held).toBe(m.doc);
  expect(w.trainer.held!.structure).toBe(w.doc.structure);
  // Not running: the document holds what training left (and the trainer what the document says).
  if (phaseOf(m) !== 'running') expect(w.trainer.w).toBe(w.doc.w);
  expect(w.trainer.running).toBe(phaseOf(m) === 'running');
  if (phaseOf(m) !== 'running') expect(['ready', 'paused', 'diverged']).toContain(phaseOf(m));
  if (w.expectW !== null) {
    // An undo of Reset restores the weights: the trainer has the trained ones back.
    expect(w.trainer.w).toBe(w.expectW);
    expect(w.doc.w).toBe(w.expectW);
  }
}

type Cmd = fc.Command<World, World>;

class UserEdit implements Cmd {
  constructor(readonly kind: 'edit' | 'break' | 'move' | 'weight') {}
  check = () => true;
  run(_: World, w: World): void {
    const previous = w.doc;
    w.past.push(w.doc);
    w.expectW = null;
    if (this.kind === 'edit') w.doc = { ...w.doc, structure: fresh(w, 's'), valid: true, empty: false };
    else if (this.kind === 'break') w.doc = { ...w.doc, structure: fresh(w, 's'), valid: false, empty: false };
    else if (this.kind === 'weight') w.doc = { ...w.doc, w: fresh(w, 'typed') };
    else w.doc = { ...w.doc };
    documentEvent(w, false, previous);
    checkAlways(w);
  }
  toString = () => this.kind;
}

class Replace implements Cmd {
  constructor(readonly kind: 'new' | 'open' | 'template') {}
  check = () => true;
  run(_: World, w: World): void {
    const previous = w.doc;
    w.past = [];
    w.expectW = null;
    w.resetUndo = null;
    w.doc = this.kind === 'new'
      ? { structure: 'empty', w: 'none', empty: true, valid: true }
      // Open may bring back a structure seen before, with other (trained) weights.
      : { structure: this.kind === 'open' ? 's0' : fresh(w, 't'), w: fresh(w, 'file'), empty: false, valid: true };
    documentEvent(w, true, previous);
    checkAlways(w);
  }
  toString = () => this.kind;
}

class Undo implements Cmd {
  check = () => true;
  run(_: World, w: World): void {
    const previous = w.past.pop();
    if (!previous) return;
    const undoesReset = w.resetUndo !== null && w.doc === w.resetUndo.after;
    w.expectW = undoesReset ? w.resetUndo!.before : null;
    const current = w.doc;
    w.doc = previous;
    documentEvent(w, false, current);
    checkAlways(w);
  }
  toString = () => 'undo';
}

class User implements Cmd {
  constructor(readonly kind: 'play' | 'pause' | 'step' | 'reset') {}
  check = () => true;
  run(_: World, w: World): void {
    // From here on training may move the weights again.
    w.expectW = null;
    dispatch(w, { type: this.kind });
    checkAlways(w);
  }
  toString = () => this.kind;
}

class TrainerDoes implements Cmd {
  constructor(readonly kind: 'tick' | 'deliver' | 'diverge' | 'die' | 'hang' | 'restart' | 'settle') {}
  check = () => true;
  run(_: World, w: World): void {
    const t = w.trainer;
    switch (this.kind) {
      case 'tick':
        w.expectW = null;
        if (t.alive && !t.hung && t.running) {
          t.step++;
          t.w = fresh(w, 'run');
          w.queue.push({ type: 'snapshot', running: true, step: t.step, w: t.w });
        }
        break;
      case 'deliver':
        deliver(w);
        break;
      case 'diverge':
        if (t.alive && !t.hung && t.running && t.held) {
          t.running = false;
          w.queue.push({ type: 'diverged' }, { type: 'state', running: false, diverged: true });
          w.queue.push({ type: 'snapshot', running: false, step: t.step, w: t.w });
        }
        break;
      case 'die':
        if (!t.alive) break;
        t.alive = false;
        w.queue = [];
        dispatch(w, { type: 'trainer-gone', reason: 'the trainer exited' });
        break;
      case 'hang':
        if (!t.alive || t.hung) break;
        t.hung = true;
        w.queue = [];
        dispatch(w, { type: 'trainer-hung', reason: 'no heartbeat' });
        break;
      case 'restart': {
        const before = w.doc;
        startTrainer(w);
        // The document is untouched by a crash, a hang or a restart.
        expect(w.doc).toBe(before);
        break;
      }
      case 'settle':
        drain(w);
        checkAlways(w);
        checkSettled(w);
        return;
    }
    checkAlways(w);
  }
  toString = () => this.kind;
}

const commands = [
  fc.constantFrom('edit', 'break', 'move', 'weight').map((k) => new UserEdit(k as UserEdit['kind'])),
  fc.constantFrom('new', 'open', 'template').map((k) => new Replace(k as Replace['kind'])),
  fc.constant(new Undo()),
  fc.constant(new Undo()),
  fc.constantFrom('play', 'pause', 'step', 'reset').map((k) => new User(k as User['kind'])),
  fc.constantFrom('play', 'reset').map((k) => new User(k as User['kind'])),
  fc.constantFrom('tick', 'deliver', 'deliver', 'diverge').map((k) => new TrainerDoes(k as TrainerDoes['kind'])),
  fc.constantFrom('die', 'hang', 'restart').map((k) => new TrainerDoes(k as TrainerDoes['kind'])),
  fc.constant(new TrainerDoes('settle')),
  fc.constant(new TrainerDoes('settle')),
];

describe('the document ↔ trainer machine (model-based)', () => {
  it('keeps every invariant over 1,000 random sequences of events', () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 60 }), (cmds) => {
        const w = newWorld();
        fc.modelRun(() => ({ model: w, real: w }), cmds);
        // Whatever happened, once the trainer is alive and everything is delivered, the invariants hold at rest.
        if (!w.trainer.alive || w.trainer.hung) startTrainer(w);
        drain(w);
        checkAlways(w);
        checkSettled(w);
      }),
      { numRuns: Number(process.env.MACHINE_RUNS ?? 1_000) },
    );
  });

  it('after New the canvas shows nothing of the old run and Play is disabled', () => {
    const w = newWorld();
    drain(w);
    dispatch(w, { type: 'play' });
    drain(w);
    new TrainerDoes('tick').run(w, w);
    drain(w);
    expect(phaseOf(w.machine)).toBe('running');
    expect(w.machine.shown).toBe(w.machine.doc);
    new Replace('new').run(w, w);
    expect(w.machine.shown).toBeNull();
    expect(w.trainer.running).toBe(false);
    expect(controlsOf(w.machine).play).toBe(false);
    expect(phaseOf(w.machine)).toBe('empty');
  });

  it('a breaking edit while running pauses the trainer and disables Play', () => {
    const w = newWorld();
    drain(w);
    dispatch(w, { type: 'play' });
    drain(w);
    new UserEdit('break').run(w, w);
    expect(w.trainer.running).toBe(false);
    expect(phaseOf(w.machine)).toBe('invalid');
    expect(controlsOf(w.machine).play).toBe(false);
    dispatch(w, { type: 'play' });
    expect(w.trainer.running).toBe(false);
  });
});
