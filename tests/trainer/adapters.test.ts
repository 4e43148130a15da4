import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromMessageEventTarget, fromMessagePortMain } from '../../src/trainer/adapters';
import { FakeMessagePortMain } from './port-main-shim';

const channels: MessageChannel[] = [];
function channel(): MessageChannel {
  const c = new MessageChannel();
  channels.push(c);
  return c;
}
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

function nextMessage(port: { once(event: 'message', listener: (data: unknown) => void): unknown }): Promise<unknown> {
  return new Promise((resolve) => port.once('message', resolve));
}

describe('fromMessagePortMain', () => {
  it('starts the port and delivers message data (not the event) to every listener', async () => {
    const { port1, port2 } = channel();
    const main = new FakeMessagePortMain(port2);
    const port = fromMessagePortMain(main);
    expect(main.started).toBe(true);
    const a: unknown[] = [];
    const b: unknown[] = [];
    port.onMessage((m) => a.push(m));
    const received = new Promise<void>((resolve) => port.onMessage((m) => (b.push(m), resolve())));
    port1.postMessage({ type: 'ping', seq: 1 });
    await received;
    expect(a).toEqual([{ type: 'ping', seq: 1 }]);
    expect(b).toEqual([{ type: 'ping', seq: 1 }]);
  });

  it('stops delivering to a listener after it unsubscribes', async () => {
    const { port1, port2 } = channel();
    const port = fromMessagePortMain(new FakeMessagePortMain(port2));
    const dropped = vi.fn();
    port.onMessage(dropped)();
    const kept = new Promise((resolve) => port.onMessage(resolve));
    port1.postMessage('x');
    expect(await kept).toBe('x');
    expect(dropped).not.toHaveBeenCalled();
  });

  it('posts through the port and closes it', async () => {
    const { port1, port2 } = channel();
    const main = new FakeMessagePortMain(port2);
    const port = fromMessagePortMain(main);
    const arrived = nextMessage(port1);
    port.postMessage({ hello: 'renderer' });
    expect(await arrived).toEqual({ hello: 'renderer' });
    port.close?.();
    expect(main.closed).toBe(true);
  });
});

describe('fromMessageEventTarget', () => {
  it('adapts an EventTarget-style port (as in a worker scope or the DOM) both ways', async () => {
    const { port1, port2 } = channel();
    const port = fromMessageEventTarget(port2 as unknown as Parameters<typeof fromMessageEventTarget>[0]);
    const got = new Promise((resolve) => port.onMessage(resolve));
    port1.postMessage({ n: 1 });
    expect(await got).toEqual({ n: 1 });
    const back = nextMessage(port1);
    port.postMessage({ n: 2 });
    expect(await back).toEqual({ n: 2 });
  });

  it('removes its event listener on unsubscribe and calls start() when the target has one', () => {
    const target = {
      addEventListener: vi.fn(),
      removeEventListener: vi.fn(),
      postMessage: vi.fn(),
      start: vi.fn(),
    };
    const port = fromMessageEventTarget(target);
    expect(target.start).toHaveBeenCalledTimes(1);
    const stop = port.onMessage(() => undefined);
    const handle = target.addEventListener.mock.calls[0]?.[1];
    stop();
    expect(target.removeEventListener).toHaveBeenCalledWith('message', handle);
    expect(port.close).toBeUndefined();
  });
});
