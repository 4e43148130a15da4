/**
 * An in-memory pair of TrainerPorts for tests: what one side posts, the other receives on a later microtask,
 * structured-cloned as a real MessagePort would.
 */
import type { TrainerPort } from '../../src/shared/port';

export interface MemoryPort extends TrainerPort {
  readonly closed: boolean;
}

export function memoryPortPair(): [MemoryPort, MemoryPort] {
  const listeners: [Set<(message: unknown) => void>, Set<(message: unknown) => void>] = [new Set(), new Set()];
  let closed = false;
  const make = (own: 0 | 1): MemoryPort => ({
    postMessage(message) {
      if (closed) throw new Error('the port is closed');
      const copy = structuredClone(message);
      queueMicrotask(() => {
        for (const listener of [...listeners[own === 0 ? 1 : 0]]) listener(copy);
      });
    },
    onMessage(listener) {
      listeners[own].add(listener);
      return () => listeners[own].delete(listener);
    },
    close() {
      closed = true;
    },
    get closed() {
      return closed;
    },
  });
  return [make(0), make(1)];
}

/** Collects what arrives on a port and lets a test wait for the n-th message. */
export class Inbox<T = unknown> {
  readonly messages: T[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(port: TrainerPort) {
    port.onMessage((message) => {
      this.messages.push(message as T);
      this.waiters = this.waiters.filter((w) => {
        if (this.messages.length >= w.count) w.resolve();
        return this.messages.length < w.count;
      });
    });
  }

  /** Resolves once `count` messages in total have arrived; returns them all. */
  async until(count: number): Promise<T[]> {
    if (this.messages.length < count) {
      await new Promise<void>((resolve) => this.waiters.push({ count, resolve }));
    }
    return this.messages;
  }

  /** Resolves with the next message after those already seen. */
  async next(): Promise<T> {
    const all = await this.until(this.messages.length + 1);
    return all[all.length - 1] as T;
  }
}

/** Let every queued microtask and one macrotask run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
