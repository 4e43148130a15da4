import { afterEach, describe, expect, it } from 'vitest';
import type { NetworkDocument } from '../../src/core/document';
import { findTemplate } from '../../src/core/templates';
import { PROTOCOL_VERSION, type TrainerEvent } from '../../src/shared/protocol';
import type { TrainerHost } from '../../src/trainer/host';
import { startTrainingHost } from '../../src/trainer/training-host';
import { memoryPortPair, type MemoryPort } from './memory-port';

type Ev<T extends TrainerEvent['type']> = Extract<TrainerEvent, { type: T }>;

/** A client over an in-memory port pair, with helpers to wait for events of a type. */
function setup(sessionOptions?: Parameters<typeof startTrainingHost>[1]) {
  const [hostSide, clientSide] = memoryPortPair();
  const host = startTrainingHost(hostSide, sessionOptions);
  const events: TrainerEvent[] = [];
  const waiters: { test: (e: TrainerEvent) => boolean; resolve: (e: TrainerEvent) => void }[] = [];
  let seq = 1;
  clientSide.onMessage((m) => {
    const e = m as TrainerEvent;
    events.push(e);
    for (const w of [...waiters]) {
      if (w.test(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  const send = (command: Record<string, unknown>): number => {
    const s = seq++;
    clientSide.postMessage({ ...command, seq: s });
    return s;
  };
  const waitFor = <T extends TrainerEvent['type']>(type: T, test: (e: Ev<T>) => boolean = () => true, timeoutMs = 10_000): Promise<Ev<T>> =>
    new Promise((resolve, reject) => {
      const seen = events.find((e) => e.type === type && test(e as Ev<T>));
      if (seen) return resolve(seen as Ev<T>);
      const timer = setTimeout(() => reject(new Error(`no ${type} event within ${timeoutMs} ms; got ${events.map((e) => e.type).join(', ')}`)), timeoutMs);
      waiters.push({
        test: (e) => e.type === type && test(e as Ev<T>),
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e as Ev<T>);
        },
      });
    });
  const after = (s: number) => (e: { replyTo?: number }) => e.replyTo === s;
  hosts.push({ host, port: clientSide });
  return { send, waitFor, events, after, clientSide };
}

const hosts: { host: TrainerHost; port: MemoryPort }[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.host.dispose();
});

const template = (id: string): NetworkDocument => findTemplate(id)!.build();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('training memory is estimated before anything is allocated', () => {
  const spiralWith = (hiddenUnits: number): NetworkDocument => {
    const doc = findTemplate('spiral')!.build();
    return { ...doc, nodes: doc.nodes.map((n) => (n.type === 'dense' && n.name === 'hidden2' ? { ...n, units: hiddenUnits } : n)) };
  };

  it('refuses a network too large to train, with the figure and the limit', async () => {
    const c = setup();
    // two 100,000-unit layers: 10 billion weights between them; refused at once, nothing allocated
    const huge = spiralWith(100_000);
    huge.nodes = huge.nodes.map((n) => (n.type === 'dense' && n.name === 'hidden1' ? { ...n, units: 100_000 } : n));
    const s = c.send({ type: 'load', document: huge });
    const err = await c.waitFor('error', c.after(s));
    expect(err.code).toBe('invalid-document');
    expect(err.message).toMatch(/^Training this network would need about \d+(\.\d)? GB of memory \(\d+(\.\d)? GB for 10,000,\d{3},\d{3} parameters and their \w+ state, .*\); the trainer's limit is 512 MB\. Make the network smaller/);
  });

  it('refuses a batch size whose activations would not fit, and keeps the loaded network', async () => {
    const c = setup();
    const s = c.send({ type: 'load', document: spiralWith(4_000) });
    await c.waitFor('loaded', c.after(s));
    const big = c.send({ type: 'setup', changes: { batchSize: 65_536 } });
    const err = await c.waitFor('error', c.after(big));
    expect(err.message).toMatch(/activations at batch size 65536\); the trainer's limit is 512 MB\. Make the network smaller or lower the batch size\.$/);
    const ok = c.send({ type: 'setup', changes: { batchSize: 32 } });
    expect((await c.waitFor('state', c.after(ok))).setup.batchSize).toBe(32);
  });
});

describe('trainer session over the protocol', () => {
  it('loads the spiral template and describes its parameters and data', async () => {
    const c = setup();
    const s = c.send({ type: 'load', document: template('spiral') });
    const loaded = await c.waitFor('loaded', c.after(s));
    // 2·8+8 + 8·8+8 + 8·1+1 = 105 parameters
    expect(loaded.layout.size).toBe(105);
    expect(loaded.featureNames).toEqual(['x', 'y']);
    expect(loaded.task).toBe('binary');
    expect(loaded.trainSize + loaded.testSize).toBeGreaterThan(0);
    const snap = await c.waitFor('snapshot');
    expect(snap.step).toBe(0);
    expect(snap.params).toBeInstanceOf(Float32Array);
    expect(snap.params.length).toBe(105);
    expect(Number.isFinite(snap.evaluation.trainLoss)).toBe(true);
  });

  it('answers training commands before a load with a not-loaded error', async () => {
    const c = setup();
    const s = c.send({ type: 'start' });
    const err = await c.waitFor('error', c.after(s));
    expect(err.code).toBe('not-loaded');
  });

  it('refuses an invalid document with the validation message, naming the node', async () => {
    const c = setup();
    const doc = template('worked-example');
    doc.edges = doc.edges.filter((e) => e.target !== 'h2');
    const s = c.send({ type: 'load', document: doc, data: { kind: 'builtin', name: 'xor', noise: 0, trainRatio: 0.5, seed: 1, features: ['x', 'y'] } });
    const err = await c.waitFor('error', c.after(s));
    expect(err.code).toBe('invalid-document');
    expect(err.message).toContain('"h2"');
  });

  it('refuses a document that fails the schema, saying where', async () => {
    const c = setup();
    const doc = template('spiral') as unknown as { nodes: { units?: unknown }[] };
    const dense = doc.nodes.findIndex((n) => n.units !== undefined);
    doc.nodes[dense].units = -3;
    const s = c.send({ type: 'load', document: doc });
    const err = await c.waitFor('error', c.after(s));
    expect(err.code).toBe('invalid-document');
    expect(err.message).toContain(`document.nodes[${dense}].units`);
  });

  it('reports a data error with the row and column of a bad CSV cell', async () => {
    const c = setup();
    const doc = template('worked-example');
    const s = c.send({
      type: 'load',
      document: doc,
      data: { kind: 'csv', fileName: 'd.csv', text: 'x1,x2,y\n1,2,1\n3,oops,0\n', roles: { x1: 'feature', x2: 'feature', y: 'target' }, standardize: false, trainRatio: 1, seed: 1 },
    });
    const err = await c.waitFor('error', c.after(s));
    expect(err.code).toBe('data-error');
    expect(err.message).toMatch(/row 3/i);
    expect(err.message).toContain('x2');
  });

  it('steps exactly n batches and one epoch on request', async () => {
    const c = setup();
    c.send({ type: 'load', document: template('spiral') });
    const first = await c.waitFor('snapshot');
    c.send({ type: 'ack', snapshot: first.id });
    c.send({ type: 'step', batches: 7 });
    const stepped = await c.waitFor('snapshot', (e) => e.step === 7);
    expect(stepped.batchLoss).not.toBeNull();
    expect(Array.from(stepped.params)).not.toEqual(Array.from(first.params));
    c.send({ type: 'ack', snapshot: stepped.id });
    c.send({ type: 'stepEpoch' });
    const epoch = await c.waitFor('snapshot', (e) => e.epoch === 1);
    expect(epoch.step).toBeGreaterThan(7);
  });

  it('sends no second snapshot until the first is acknowledged, then the latest state', async () => {
    const c = setup();
    c.send({ type: 'load', document: template('spiral') });
    await c.waitFor('snapshot');
    c.send({ type: 'start' });
    await c.waitFor('state', (e) => e.reason === 'started');
    await sleep(300);
    const snapshots = () => c.events.filter((e): e is Ev<'snapshot'> => e.type === 'snapshot');
    expect(snapshots()).toHaveLength(1);
    const ackId = snapshots()[0].id;
    c.send({ type: 'ack', snapshot: ackId });
    const next = await c.waitFor('snapshot', (e) => e.id !== ackId);
    // Training ran on while the client held the first snapshot: the next one shows where it is now.
    expect(next.step).toBeGreaterThan(100);
    expect(next.running).toBe(true);
    c.send({ type: 'pause' });
    await c.waitFor('state', (e) => e.reason === 'paused');
  });

  it('stops by itself after the requested number of epochs', async () => {
    const c = setup();
    c.send({ type: 'load', document: template('xor') });
    await c.waitFor('loaded');
    const ackAll = c.clientSide.onMessage((m) => {
      const e = m as TrainerEvent;
      if (e.type === 'snapshot') c.send({ type: 'ack', snapshot: e.id });
    });
    c.send({ type: 'start', untilEpoch: 3 });
    const done = await c.waitFor('state', (e) => e.reason === 'epochs-reached');
    ackAll();
    expect(done.epoch).toBe(3);
    expect(done.running).toBe(false);
  });

  it('changes the learning rate while running', async () => {
    const c = setup();
    c.send({ type: 'load', document: template('spiral') });
    await c.waitFor('loaded');
    c.send({ type: 'start' });
    const s = c.send({ type: 'setup', changes: { learningRate: 0.005 } });
    const state = await c.waitFor('state', c.after(s));
    expect(state.running).toBe(true);
    expect(state.setup.learningRate).toBe(0.005);
    const p = c.send({ type: 'pause' });
    await c.waitFor('state', c.after(p));
    const snapCmd = c.send({ type: 'snapshot' });
    const snap = await c.waitFor('snapshot', c.after(snapCmd));
    expect(snap.learningRate).toBeCloseTo(0.005, 10);
  });

  it('refuses a malformed hyperparameter with the field named', async () => {
    const c = setup();
    const s = c.send({ type: 'setup', changes: { learningRate: -1 } });
    const err = await c.waitFor('error', c.after(s));
    expect(err.code).toBe('malformed');
    expect(err.message).toContain('changes.learningRate');
  });

  it('reports divergence, stops, and keeps finite last-good weights', async () => {
    const c = setup();
    const doc = template('regression');
    for (const n of doc.nodes) if (n.type === 'dense' && n.activation === 'tanh') n.activation = 'linear';
    doc.training.learningRate = 1e6;
    c.send({ type: 'load', document: doc });
    await c.waitFor('loaded');
    c.send({ type: 'start' });
    const diverged = await c.waitFor('diverged');
    expect(diverged.message.length).toBeGreaterThan(0);
    const state = await c.waitFor('state', (e) => e.reason === 'diverged');
    expect(state.running).toBe(false);
    const s = c.send({ type: 'snapshot' });
    const snap = await c.waitFor('snapshot', c.after(s));
    expect(snap.params.every(Number.isFinite)).toBe(true);
    expect(snap.step).toBe(diverged.step - 1);
  });

  it('resets to the loaded weights, or to fresh ones with a seed', async () => {
    const c = setup();
    c.send({ type: 'load', document: template('xor') });
    const initial = await c.waitFor('snapshot');
    c.send({ type: 'ack', snapshot: initial.id });
    c.send({ type: 'step', batches: 20 });
    const stepped = await c.waitFor('snapshot', (e) => e.step === 20);
    c.send({ type: 'ack', snapshot: stepped.id });
    c.send({ type: 'reset' });
    const back = await c.waitFor('snapshot', (e) => e.id > stepped.id);
    expect(back.step).toBe(0);
    expect(Array.from(back.params)).toEqual(Array.from(initial.params));
    c.send({ type: 'ack', snapshot: back.id });
    c.send({ type: 'reset', seed: 99 });
    const fresh = await c.waitFor('snapshot', (e) => e.id > back.id);
    expect(Array.from(fresh.params)).not.toEqual(Array.from(initial.params));
  });

  it('adds heatmaps over the plane and the trace of one example when asked', async () => {
    const c = setup();
    c.send({ type: 'load', document: template('spiral') });
    const first = await c.waitFor('snapshot');
    c.send({ type: 'view', heatmaps: { nodeIds: ['hidden1', 'last'], resolution: 10 }, example: [0.5, -1] });
    c.send({ type: 'ack', snapshot: first.id });
    const snap = await c.waitFor('snapshot', (e) => e.id > first.id);
    expect(Object.keys(snap.heatmaps ?? {}).sort()).toEqual(['hidden1', 'last']);
    expect(snap.heatmaps!.last.length).toBe(100);
    expect(snap.heatmapExtent).toBeGreaterThan(0);
    // Sigmoid output: every heatmap value is a probability.
    expect(Array.from(snap.heatmaps!.last).every((v) => v > 0 && v < 1)).toBe(true);
    expect(snap.trace?.last.a).toHaveLength(1);
    expect(snap.trace?.hidden1.z).toHaveLength(8);
  });

  it('gives bit-identical weights in two hosts for the same document, data and steps', async () => {
    const run = async () => {
      const c = setup();
      c.send({ type: 'load', document: template('spiral') });
      const first = await c.waitFor('snapshot');
      c.send({ type: 'ack', snapshot: first.id });
      c.send({ type: 'step', batches: 150 });
      return (await c.waitFor('snapshot', (e) => e.step === 150)).params;
    };
    const [a, b] = await Promise.all([run(), run()]);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });

  it('an error inside the training loop stops training with an error event and a paused state, and the host lives on', async () => {
    // The loop runs outside any command handler; make it throw through the clock it reads every slice.
    let calls = 0;
    let failing = false;
    const now = () => {
      calls++;
      if (failing) throw new Error('clock broke');
      return calls;
    };
    const c = setup({ session: { now } });
    c.send({ type: 'load', document: template('xor') });
    await c.waitFor('loaded');
    c.send({ type: 'start' });
    await c.waitFor('state', (e) => e.reason === 'started');
    failing = true;
    const err = await c.waitFor('error', (e) => e.message.includes('clock broke'));
    expect(err.code).toBe('internal');
    expect(err.message).toMatch(/^Training stopped: /);
    const paused = await c.waitFor('state', (e) => e.reason === 'paused');
    expect(paused.running).toBe(false);
    failing = false;
    const s = c.send({ type: 'ping', payload: 'still there' });
    expect((await c.waitFor('pong', c.after(s))).payload).toBe('still there');
  });

  it('still says hello with the protocol version', async () => {
    const c = setup();
    const s = c.send({ type: 'hello', clientProtocolVersion: PROTOCOL_VERSION });
    const hello = await c.waitFor('hello', c.after(s));
    expect(hello.protocolVersion).toBe(PROTOCOL_VERSION);
  });

  it('runs a step of 1,000,000 batches in slices: a ping is answered and a pause stops it midway', async () => {
    const c = setup();
    c.send({ type: 'load', document: template('spiral') });
    const first = await c.waitFor('snapshot');
    c.send({ type: 'ack', snapshot: first.id });
    c.send({ type: 'step', batches: 1_000_000 });
    const ping = c.send({ type: 'ping', payload: 'still there?' });
    await c.waitFor('pong', c.after(ping));
    const pause = c.send({ type: 'pause' });
    const paused = await c.waitFor('state', c.after(pause));
    // Answered long before a million batches were done, and the step stopped there.
    expect(paused.step).toBeLessThan(1_000_000);
    const stopped = await c.waitFor('snapshot', (e) => e.id > first.id);
    expect(stopped.step).toBe(paused.step);
    const again = c.send({ type: 'snapshot' });
    expect((await c.waitFor('snapshot', c.after(again))).step).toBe(paused.step);
  });

  it('runs a stepEpoch in slices and ends exactly at the end of the epoch', async () => {
    const c = setup();
    c.send({ type: 'load', document: template('spiral') });
    const first = await c.waitFor('snapshot');
    c.send({ type: 'ack', snapshot: first.id });
    c.send({ type: 'stepEpoch' });
    const ping = c.send({ type: 'ping' });
    await c.waitFor('pong', c.after(ping));
    const epoch = await c.waitFor('snapshot', (e) => e.epoch === 1);
    c.send({ type: 'ack', snapshot: epoch.id });
    const again = c.send({ type: 'snapshot' });
    const later = await c.waitFor('snapshot', c.after(again));
    expect(later.step).toBe(epoch.step);
    expect(later.epoch).toBe(1);
  });

  it('a paced run ("watch") takes about one step a frame: none while time stands still, rate × seconds as it passes (item 12)', async () => {
    let time = 1_000;
    const tasks: (() => void)[] = [];
    const c = setup({
      session: {
        now: () => time,
        yielder: { schedule: (task) => void tasks.push(task), dispose: () => undefined },
        delay: (task) => void tasks.push(task),
      },
    });
    const run = (n: number) => {
      for (let i = 0; i < n && tasks.length > 0; i++) tasks.shift()!();
    };
    c.send({ type: 'load', document: template('xor') });
    await c.waitFor('loaded');
    const pace = c.send({ type: 'pace', stepsPerSecond: 60 });
    await c.waitFor('pong', c.after(pace));
    const start = c.send({ type: 'start' });
    await c.waitFor('state', c.after(start));
    run(200);
    const probe = async () => {
      const s = c.send({ type: 'snapshot' });
      return (await c.waitFor('snapshot', c.after(s))).step;
    };
    // Time stands still: only the first step is due, however often the loop comes round.
    expect(await probe()).toBe(1);
    time += 1_000;
    run(500);
    expect(await probe()).toBe(61);
    // Unpaced again ("max"): the due steps no longer limit a slice.
    const max = c.send({ type: 'pace', stepsPerSecond: null });
    await c.waitFor('pong', c.after(max));
    time += 10;
    run(6);
    expect(await probe()).toBeGreaterThan(61 + 6);
    c.send({ type: 'pause' });
  });
});

describe('gradient sizes of the edges into image nodes', () => {
  it('stream one number per edge without a weight block into an image node, from the last batch, none before a step', async () => {
    const c = setup();
    const doc = template('digits-cnn');
    c.send({ type: 'load', document: doc });
    const loaded = await c.waitFor('loaded', () => true, 60_000);
    const first = await c.waitFor('snapshot', () => true, 60_000);
    expect(first.edgeGrads).toBeUndefined();
    c.send({ type: 'ack', snapshot: first.id });
    c.send({ type: 'step', batches: 2 });
    const stepped = await c.waitFor('snapshot', (e) => e.step === 2, 60_000);
    const imageTargets = new Set(['conv1', 'pool1', 'conv2', 'pool2', 'flatten']);
    const expected = doc.edges.filter((e) => imageTargets.has(e.target)).map((e) => e.id).sort();
    expect(expected).toHaveLength(5);
    expect(Object.keys(stepped.edgeGrads ?? {}).sort()).toEqual(expected);
    // The Dense after Flatten has a weight block: its pulse comes from that block, not from here.
    for (const e of doc.edges) if (loaded.layout.edges[e.id]) expect(stepped.edgeGrads).not.toHaveProperty(e.id);
    for (const g of Object.values(stepped.edgeGrads!)) expect(g).toBeGreaterThan(0);
  }, 120_000);
});

describe('the evaluation in a snapshot says which step it measured', () => {
  it('a fresh evaluation is of the snapshot\'s step; one reused while training runs keeps the step it measured', async () => {
    let time = 1_000;
    const tasks: (() => void)[] = [];
    const c = setup({
      session: {
        now: () => time,
        yielder: { schedule: (task) => void tasks.push(task), dispose: () => undefined },
        delay: (task) => void tasks.push(task),
      },
    });
    const run = (n: number) => {
      for (let i = 0; i < n && tasks.length > 0; i++) tasks.shift()!();
    };
    c.send({ type: 'load', document: template('xor') });
    await c.waitFor('loaded');
    const first = await c.waitFor('snapshot');
    expect(first.evaluation.step).toBe(0);
    // Paced, so a frozen clock takes one step, not ever larger slices.
    const pace = c.send({ type: 'pace', stepsPerSecond: 60 });
    await c.waitFor('pong', c.after(pace));
    const start = c.send({ type: 'start' });
    await c.waitFor('state', c.after(start));
    // Time stands still, so the load's evaluation is young enough to be reused while it runs.
    run(20);
    const probe = async () => {
      const s = c.send({ type: 'snapshot' });
      return c.waitFor('snapshot', c.after(s));
    };
    const reused = await probe();
    expect(reused.step).toBeGreaterThan(0);
    expect(reused.evaluation.step).toBe(0);
    // A second later it is measured again, at the step then.
    time += 1_000;
    run(5);
    const fresh = await probe();
    expect(fresh.evaluation.step).toBe(fresh.step);
    expect(fresh.evaluation.step).toBeGreaterThan(0);
    c.send({ type: 'pause' });
  });
});
