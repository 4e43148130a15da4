import { EventEmitter } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '../../src/shared/protocol';
import { FakeMessagePortMain } from './port-main-shim';

beforeEach(() => {
  vi.resetModules();
});

describe('utility-process entry (src/trainer/entry/utility.ts)', () => {
  const withParentPort = process as unknown as { parentPort?: EventEmitter };
  afterEach(() => {
    delete withParentPort.parentPort;
  });

  it('serves the protocol on the port that arrives through process.parentPort', async () => {
    const parentPort = new EventEmitter();
    withParentPort.parentPort = parentPort;
    await import('../../src/trainer/entry/utility');
    const { port1, port2 } = new MessageChannel();
    parentPort.emit('message', { data: null, ports: [new FakeMessagePortMain(port2)] });
    const reply = new Promise((resolve) => port1.once('message', resolve));
    port1.postMessage({ type: 'hello', seq: 1, clientProtocolVersion: PROTOCOL_VERSION });
    expect(await reply).toMatchObject({ type: 'hello', replyTo: 1, host: expect.stringContaining('utility process') });
    port1.close();
  });

  it('refuses to start outside a utility process, saying why', async () => {
    await expect(import('../../src/trainer/entry/utility')).rejects.toThrow(/process\.parentPort is missing/);
  });
});

describe('web worker entry (src/trainer/entry/worker.ts)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('serves the protocol on the worker scope', async () => {
    const { port1, port2 } = new MessageChannel();
    const scope = {
      addEventListener: port2.addEventListener.bind(port2),
      removeEventListener: port2.removeEventListener.bind(port2),
      postMessage: port2.postMessage.bind(port2),
      close: vi.fn(),
    };
    vi.stubGlobal('self', scope);
    await import('../../src/trainer/entry/worker');
    port2.start();
    const reply = new Promise((resolve) => port1.once('message', resolve));
    port1.postMessage({ type: 'ping', seq: 4, payload: 'from the page' });
    expect(await reply).toMatchObject({ type: 'pong', replyTo: 4, payload: 'from the page' });
    expect(scope.close).not.toHaveBeenCalled();
    port1.close();
  });
});
