import { afterEach, describe, expect, it } from 'vitest';
import { findTemplate } from '../../src/core/templates';
import type { TrainerEvent } from '../../src/shared/protocol';
import type { TrainerHost } from '../../src/trainer/host';
import { startTrainingHost } from '../../src/trainer/training-host';
import { memoryPortPair } from './memory-port';

const hosts: TrainerHost[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.dispose();
});

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('loading while a snapshot awaits its ack', () => {
  it('replies `loaded` before the first snapshot of the new session, so the client can take that snapshot', async () => {
    const [hostSide, clientSide] = memoryPortPair();
    hosts.push(startTrainingHost(hostSide));
    const events: TrainerEvent[] = [];
    clientSide.onMessage((m) => events.push(m as TrainerEvent));
    const doc = findTemplate('worked-example')!.build();
    clientSide.postMessage({ type: 'load', seq: 1, document: doc });
    await settle();
    // The first snapshot is never acknowledged; a step leaves a change pending behind it.
    clientSide.postMessage({ type: 'step', seq: 2, batches: 1 });
    await settle();
    const before = events.length;
    clientSide.postMessage({ type: 'load', seq: 3, document: doc });
    await settle();
    const after = events.slice(before).filter((e) => e.type === 'loaded' || e.type === 'snapshot');
    expect(after[0]).toMatchObject({ type: 'loaded', replyTo: 3 });
    expect(after.slice(1).some((e) => e.type === 'snapshot' && e.step === 0)).toBe(true);
  });
});
