import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '../../src/shared/protocol';
import { serveParentPort, type ParentPortLike } from '../../src/trainer/serve';
import { FakeMessagePortMain } from './port-main-shim';

const open: MessagePort[] = [];
afterEach(() => {
  for (const p of open.splice(0)) p.close();
});

class FakeParentPort extends EventEmitter implements ParentPortLike {
  /** Main hands the trainer a port, as `child.postMessage(null, [port])` does. */
  sendPort(): { client: MessagePort; main: FakeMessagePortMain } {
    const { port1, port2 } = new MessageChannel();
    open.push(port1, port2);
    const main = new FakeMessagePortMain(port2);
    this.emit('message', { data: null, ports: [main] });
    return { client: port1, main };
  }
}

function ask(client: MessagePort, message: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    client.once('message', resolve);
    client.postMessage(message);
  });
}

describe('serveParentPort', () => {
  it('speaks the protocol on the port main sends', async () => {
    const parent = new FakeParentPort();
    const server = serveParentPort(parent);
    const { client } = parent.sendPort();
    expect(server.connections).toBe(1);
    expect(await ask(client, { type: 'hello', seq: 1, clientProtocolVersion: PROTOCOL_VERSION })).toMatchObject({
      type: 'hello',
      replyTo: 1,
    });
  });

  it('replaces the connection when a new port arrives (renderer reload): the old port is closed, the new one answers', async () => {
    const parent = new FakeParentPort();
    const server = serveParentPort(parent);
    const first = parent.sendPort();
    expect(await ask(first.client, { type: 'ping', seq: 1 })).toMatchObject({ type: 'pong' });
    const second = parent.sendPort();
    expect(first.main.closed).toBe(true);
    expect(await ask(second.client, { type: 'ping', seq: 2, payload: 'again' })).toMatchObject({
      type: 'pong',
      replyTo: 2,
      payload: 'again',
    });
    expect(server.connections).toBe(2);
  });

  it('reports a message without a port and keeps waiting for one', async () => {
    const parent = new FakeParentPort();
    const onUnreportableError = vi.fn();
    const server = serveParentPort(parent, { onUnreportableError });
    parent.emit('message', { data: 'hi', ports: [] });
    expect(onUnreportableError).toHaveBeenCalledWith(expect.objectContaining({ message: expect.stringContaining('without a port') }));
    expect(server.connections).toBe(0);
    const { client } = parent.sendPort();
    expect(await ask(client, { type: 'ping', seq: 1 })).toMatchObject({ type: 'pong' });
  });

  it('disposes the host when the other end closes', async () => {
    const parent = new FakeParentPort();
    const onDispose = vi.fn();
    serveParentPort(parent, { onDispose });
    const { client, main } = parent.sendPort();
    const closed = new Promise((resolve) => main.once('close', resolve));
    client.close();
    await closed;
    expect(onDispose).toHaveBeenCalledTimes(1);
  });

  it('dispose() stops the host and closes its port', () => {
    const parent = new FakeParentPort();
    const onDispose = vi.fn();
    const server = serveParentPort(parent, { onDispose });
    const { main } = parent.sendPort();
    server.dispose();
    expect(onDispose).toHaveBeenCalledTimes(1);
    expect(main.closed).toBe(true);
  });
});
