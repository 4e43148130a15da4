/** A trainer store over the real training host on an in-memory port, recording what the window sends. */
import { createStore } from 'zustand/vanilla';
import type { TrainerCommand, TrainerEvent } from '../../../src/shared/protocol';
import type { TrainerState, TrainerStore } from '../../../src/renderer/state/trainer';
import { createTrainerClient } from '../../../src/renderer/trainer/client';
import type { TrainingStore } from '../../../src/renderer/training/store';
import type { TrainerHost } from '../../../src/trainer/host';
import { startTrainingHost } from '../../../src/trainer/training-host';
import { memoryPortPair } from '../../trainer/memory-port';

export const hosts: TrainerHost[] = [];
export const stores: TrainingStore[] = [];

/** Dispose every training store and host made by a test (call from afterEach). */
export function disposeAll(): void {
  for (const s of stores.splice(0)) s.getState().dispose();
  for (const h of hosts.splice(0)) h.dispose();
}

/** A trainer store in the 'ready' state over an in-memory trainer host; records every command the window sends. */
export function connectedTrainer() {
  const [hostSide, clientSide] = memoryPortPair();
  const host = startTrainingHost(hostSide);
  const sent: TrainerCommand[] = [];
  const received: TrainerEvent[] = [];
  const recordingPort = {
    postMessage(message: unknown) {
      sent.push(message as TrainerCommand);
      clientSide.postMessage(message);
    },
    onMessage: clientSide.onMessage.bind(clientSide),
    close: () => clientSide.close?.(),
  };
  clientSide.onMessage((m) => received.push(m as TrainerEvent));
  const client = createTrainerClient(recordingPort, { timeoutMs: 20_000 });
  const trainer: TrainerStore = createStore<TrainerState>()(() => ({
    connection: { status: 'ready', transport: 'worker', protocolVersion: 1, host: 'memory' },
    client,
    start: async () => undefined,
    restart: async () => undefined,
    stop: () => undefined,
  }));
  hosts.push(host);
  return { trainer, client, sent, received, host };
}


export async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
