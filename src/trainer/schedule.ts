/**
 * Yield to the event loop between slices of training, so commands (pause, a new learning rate, acks) get in.
 * - Node and Electron's utility process: setImmediate, which runs once per loop turn after I/O, so incoming port
 *   messages and timers are never starved. (A self-reposting MessageChannel starves them in Node: measured, a
 *   300 ms timer fired after 6 s.)
 * - Web Workers: a MessageChannel task, which avoids setTimeout's 4 ms clamp on nested timers and interleaves
 *   fairly with incoming messages.
 * Typed structurally: src/trainer has no DOM or Node lib.
 */
interface ChannelLike {
  port1: { onmessage: ((event: unknown) => void) | null; close(): void; unref?(): void };
  port2: { postMessage(message: unknown): void; close(): void; unref?(): void };
}

type Scheduler = (task: () => void) => void;

export interface Yielder {
  /** Run `task` once the event loop has handled what is waiting. */
  schedule: Scheduler;
  dispose(): void;
}

export function createYielder(): Yielder {
  const setImmediateFn = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  if (typeof setImmediateFn === 'function') {
    let live = true;
    return {
      schedule: (task) => void setImmediateFn(() => live && task()),
      dispose: () => {
        live = false;
      },
    };
  }
  const Channel = (globalThis as { MessageChannel?: new () => ChannelLike }).MessageChannel;
  if (!Channel) {
    const setTimer = (globalThis as unknown as { setTimeout: (fn: () => void, ms: number) => unknown }).setTimeout;
    return { schedule: (task) => void setTimer(task, 0), dispose: () => undefined };
  }
  const channel = new Channel();
  const queue: (() => void)[] = [];
  channel.port1.onmessage = () => {
    const task = queue.shift();
    task?.();
  };
  // In Node an open port keeps the process alive; the trainer's own port does that job.
  channel.port1.unref?.();
  channel.port2.unref?.();
  return {
    schedule(task) {
      queue.push(task);
      channel.port2.postMessage(null);
    },
    dispose() {
      queue.length = 0;
      channel.port1.onmessage = null;
      channel.port1.close();
      channel.port2.close();
    },
  };
}
