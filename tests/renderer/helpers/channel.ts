import type { TrainerPort } from '../../../src/shared/port';

/**
 * Two connected in-memory TrainerPorts. Messages are structured-cloned and delivered on a later microtask, like a
 * real channel; after close() nothing more is delivered either way.
 */
export function memoryChannel(): [TrainerPort, TrainerPort] {
  const listeners: [Set<(m: unknown) => void>, Set<(m: unknown) => void>] = [new Set(), new Set()];
  let closed = false;
  const end = (mine: 0 | 1): TrainerPort => ({
    postMessage(message) {
      if (closed) return;
      const copy = structuredClone(message);
      queueMicrotask(() => {
        if (closed) return;
        for (const listener of [...listeners[1 - mine]!]) listener(copy);
      });
    },
    onMessage(listener) {
      listeners[mine].add(listener);
      return () => listeners[mine].delete(listener);
    },
    close() {
      closed = true;
    },
  });
  return [end(0), end(1)];
}

/** A port whose sent messages are recorded and whose incoming messages the test delivers by hand. */
export function scriptedPort() {
  const sent: unknown[] = [];
  const listeners = new Set<(m: unknown) => void>();
  const port: TrainerPort = {
    postMessage: (message) => sent.push(message),
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    port,
    sent,
    deliver(message: unknown) {
      for (const listener of [...listeners]) listener(message);
    },
    get listenerCount() {
      return listeners.size;
    },
  };
}

/** Let queued microtasks and promise callbacks run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
