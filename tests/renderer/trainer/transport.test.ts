import { describe, expect, it, vi } from 'vitest';
import type { NetwrightApi, TrainerGoneInfo } from '../../../src/shared/ipc';
import { TRAINER_PORT_MESSAGE } from '../../../src/shared/ipc';
import {
  desktopTransport,
  pickTrainerTransport,
  waitForTrainerPort,
  workerTransport,
} from '../../../src/renderer/trainer/transport';

/** A Worker as the page sees it: posts are recorded, the test fires its events. */
class FakeWorker extends EventTarget {
  posted: unknown[] = [];
  terminated = false;
  postMessage(message: unknown) {
    this.posted.push(message);
  }
  terminate() {
    this.terminated = true;
  }
  reply(data: unknown) {
    this.dispatchEvent(new MessageEvent('message', { data }));
  }
  crash(message: string) {
    this.dispatchEvent(new ErrorEvent('error', { message: `Uncaught Error: ${message}`, filename: 'http://x/assets/worker-1.js', lineno: 3, cancelable: true }));
  }
}

function fakeWorkers() {
  const made: FakeWorker[] = [];
  const create = () => {
    const worker = new FakeWorker();
    made.push(worker);
    return worker as unknown as Worker;
  };
  return { made, create };
}

describe('workerTransport', () => {
  it('adapts the worker: messages go both ways through the link’s port', async () => {
    const { made, create } = fakeWorkers();
    const link = await workerTransport(create).connect();
    const received: unknown[] = [];
    link.port.onMessage((m) => received.push(m));
    link.port.postMessage({ type: 'ping', seq: 1 });
    made[0]!.reply({ type: 'pong', seq: 1, replyTo: 1 });
    expect(made[0]!.posted).toEqual([{ type: 'ping', seq: 1 }]);
    expect(received).toEqual([{ type: 'pong', seq: 1, replyTo: 1 }]);
    expect(link.kind).toBe('worker');
  });

  it('reports the trainer gone on a worker error, naming the error, and terminates that worker', async () => {
    const { made, create } = fakeWorkers();
    const link = await workerTransport(create).connect();
    const reasons: string[] = [];
    link.onGone((reason) => reasons.push(reason));
    made[0]!.crash('out of cheese');
    made[0]!.crash('again');
    expect(reasons).toEqual(['uncaught error in the trainer: Error: out of cheese (worker-1.js:3)']);
    expect(made[0]!.terminated).toBe(true);
  });

  it('reports a worker that failed to load without a message', async () => {
    const { made, create } = fakeWorkers();
    const link = await workerTransport(create).connect();
    const reasons: string[] = [];
    link.onGone((reason) => reasons.push(reason));
    made[0]!.dispatchEvent(new Event('error'));
    expect(reasons).toEqual(['the trainer could not start, or stopped without saying why']);
  });

  it('tells a late subscriber that the trainer is already gone', async () => {
    const { made, create } = fakeWorkers();
    const link = await workerTransport(create).connect();
    made[0]!.crash('boom');
    const reasons: string[] = [];
    link.onGone((reason) => reasons.push(reason));
    expect(reasons).toHaveLength(1);
  });

  it('restart terminates the old worker and links to a new one', async () => {
    const { made, create } = fakeWorkers();
    const transport = workerTransport(create);
    const first = await transport.connect();
    const firstGone = vi.fn();
    first.onGone(firstGone);
    const second = await transport.restart();
    expect(made).toHaveLength(2);
    expect(made[0]!.terminated).toBe(true);
    expect(made[1]!.terminated).toBe(false);
    expect(second).not.toBe(first);
    // A deliberate stop is not a death.
    made[0]!.crash('late');
    expect(firstGone).not.toHaveBeenCalled();
  });
});

/** A window as far as the desktop transport looks at it. */
class FakeWindow extends EventTarget {}

class FakeMessagePort extends EventTarget {
  started = false;
  closed = false;
  posted: unknown[] = [];
  start() {
    this.started = true;
  }
  close() {
    this.closed = true;
  }
  postMessage(message: unknown) {
    this.posted.push(message);
  }
}

/** Deliver what the preload posts: a message event from the window itself, carrying the port. */
function postPort(win: FakeWindow, port: FakeMessagePort, overrides: { source?: unknown; data?: unknown } = {}) {
  const event = new Event('message') as Event & { source: unknown; data: unknown; ports: unknown[] };
  Object.assign(event, { source: 'source' in overrides ? overrides.source : win, data: overrides.data ?? TRAINER_PORT_MESSAGE, ports: [port] });
  win.dispatchEvent(event);
}

function fakeApi(win: FakeWindow) {
  const goneListeners = new Set<(info: TrainerGoneInfo) => void>();
  const ports: FakeMessagePort[] = [];
  const handOver = () => {
    const port = new FakeMessagePort();
    ports.push(port);
    queueMicrotask(() => postPort(win, port));
  };
  const api = {
    platform: 'electron' as const,
    requestTrainerPort: vi.fn(handOver),
    restartTrainer: vi.fn(async () => handOver()),
    onTrainerGone(listener: (info: TrainerGoneInfo) => void) {
      goneListeners.add(listener);
      return () => goneListeners.delete(listener);
    },
  } satisfies NetwrightApi;
  return { api, ports, gone: (info: TrainerGoneInfo) => [...goneListeners].forEach((l) => l(info)), goneListeners };
}

describe('desktopTransport', () => {
  it('asks main for a port and links to the one the preload posts to the window, started', async () => {
    const win = new FakeWindow();
    const { api, ports } = fakeApi(win);
    const link = await desktopTransport(api, win as unknown as Window).connect();
    expect(api.requestTrainerPort).toHaveBeenCalledTimes(1);
    expect(ports[0]!.started).toBe(true);
    link.port.postMessage({ type: 'ping', seq: 1 });
    expect(ports[0]!.posted).toEqual([{ type: 'ping', seq: 1 }]);
    expect(link.kind).toBe('desktop');
  });

  it('ignores window messages from elsewhere or with other data', async () => {
    const win = new FakeWindow();
    const waiting = waitForTrainerPort(win as unknown as Window, 1_000);
    const impostor = new FakeMessagePort();
    postPort(win, impostor, { source: {} });
    postPort(win, impostor, { data: 'something else' });
    const real = new FakeMessagePort();
    postPort(win, real);
    await expect(waiting.port).resolves.toBe(real);
  });

  it('gives up waiting for a port with a clear message', async () => {
    vi.useFakeTimers();
    try {
      const win = new FakeWindow();
      const waiting = waitForTrainerPort(win as unknown as Window, 2_000);
      vi.advanceTimersByTime(2_000);
      await expect(waiting.port).rejects.toThrow('the desktop app did not hand over a trainer channel within 2 s');
    } finally {
      vi.useRealTimers();
    }
  });

  it('reports the trainer gone when main says so, with the exit code, and closes the port', async () => {
    const win = new FakeWindow();
    const { api, ports, gone } = fakeApi(win);
    const link = await desktopTransport(api, win as unknown as Window).connect();
    const reasons: string[] = [];
    link.onGone((r) => reasons.push(r));
    gone({ reason: 'the trainer process crashed', exitCode: 134 });
    expect(reasons).toEqual(['the trainer process crashed (exit code 134)']);
    expect(ports[0]!.closed).toBe(true);
  });

  it('restart asks main for a fresh trainer and links to the new port; the old link hears no more', async () => {
    const win = new FakeWindow();
    const { api, ports, goneListeners } = fakeApi(win);
    const transport = desktopTransport(api, win as unknown as Window);
    const first = await transport.connect();
    const firstGone = vi.fn();
    first.onGone(firstGone);
    await transport.restart();
    expect(api.restartTrainer).toHaveBeenCalledTimes(1);
    expect(ports).toHaveLength(2);
    expect(ports[0]!.closed).toBe(true);
    expect(goneListeners.size).toBe(1);
    expect(firstGone).not.toHaveBeenCalled();
  });

  it('rejects restart with the reason when main cannot fork a trainer', async () => {
    const win = new FakeWindow();
    const { api } = fakeApi(win);
    api.restartTrainer.mockImplementation(async () => {
      throw new Error('fork failed: ENOMEM');
    });
    await expect(desktopTransport(api, win as unknown as Window).restart()).rejects.toThrow(
      'the desktop app could not start the trainer: fork failed: ENOMEM',
    );
  });
});

describe('pickTrainerTransport', () => {
  it('uses the desktop port when the preload exposed window.netwright', () => {
    const win = new FakeWindow() as FakeWindow & { netwright?: NetwrightApi };
    win.netwright = fakeApi(win).api;
    expect(pickTrainerTransport(win as unknown as Window).kind).toBe('desktop');
  });

  it('uses a Web Worker in the browser build', () => {
    expect(pickTrainerTransport(new FakeWindow() as unknown as Window).kind).toBe('worker');
  });
});

