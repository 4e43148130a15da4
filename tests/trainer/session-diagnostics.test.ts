import { afterEach, describe, expect, it } from 'vitest';
import { findTemplate } from '../../src/core/templates';
import type { TrainerEvent } from '../../src/shared/protocol';
import type { TrainerHost } from '../../src/trainer/host';
import { startTrainingHost } from '../../src/trainer/training-host';
import { memoryPortPair } from './memory-port';

type Snapshot = Extract<TrainerEvent, { type: 'snapshot' }>;

const hosts: TrainerHost[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.dispose();
});

/** Send commands; resolve with the first event that answers `seq` (or the next snapshot). */
function client() {
  const [hostSide, clientSide] = memoryPortPair();
  hosts.push(startTrainingHost(hostSide));
  const events: TrainerEvent[] = [];
  const waiters: ((e: TrainerEvent) => boolean)[] = [];
  clientSide.onMessage((m) => {
    events.push(m as TrainerEvent);
    for (const w of [...waiters]) if (w(m as TrainerEvent)) waiters.splice(waiters.indexOf(w), 1);
  });
  let seq = 1;
  const ask = (command: Record<string, unknown>, expect: TrainerEvent['type']): Promise<TrainerEvent> =>
    new Promise((resolve) => {
      const s = seq++;
      waiters.push((e) => (e.type === expect && e.replyTo === s ? (resolve(e), true) : false));
      clientSide.postMessage({ ...command, seq: s });
    });
  const fire = (command: Record<string, unknown>): void => clientSide.postMessage({ ...command, seq: seq++ });
  return { ask, fire };
}

describe('snapshots carry diagnostics', () => {
  it('flags the dead ReLU of a worked example whose h2 has bias −100', async () => {
    const doc = findTemplate('worked-example')!.build();
    doc.nodes = doc.nodes.map((n) => (n.id === 'h2' && n.type === 'neuron' ? { ...n, bias: -100 } : n));
    const c = client();
    await c.ask({ type: 'load', document: doc }, 'loaded');
    c.fire({ type: 'step', batches: 1 });
    const snap = (await c.ask({ type: 'snapshot' }, 'snapshot')) as Snapshot;
    expect(snap.step).toBe(1);
    expect(snap.diagnostics).toEqual({ deadUnits: { h2: [0] }, vanishing: expect.any(Array), exploding: [] });
  });

  it('reports no flags for the healthy worked example before and after a step', async () => {
    const c = client();
    await c.ask({ type: 'load', document: findTemplate('worked-example')!.build() }, 'loaded');
    const before = (await c.ask({ type: 'snapshot' }, 'snapshot')) as Snapshot;
    expect(before.diagnostics).toEqual({ deadUnits: {}, vanishing: [], exploding: [] });
  });
});
