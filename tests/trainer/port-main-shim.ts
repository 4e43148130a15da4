/**
 * A worker_threads MessagePort dressed as Electron's MessagePortMain: `on('message', (e) => e.data)`, `start()`,
 * `close()`, a 'close' event. Like MessagePortMain, it delivers nothing until start() is called.
 */
import { EventEmitter } from 'node:events';
import type { MessagePort } from 'node:worker_threads';
import type { MessagePortMainLike } from '../../src/trainer/adapters';

export class FakeMessagePortMain extends EventEmitter implements MessagePortMainLike {
  started = false;
  closed = false;

  constructor(private readonly port: MessagePort) {
    super();
    port.once('close', () => this.emit('close'));
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.port.on('message', (data: unknown) => this.emit('message', { data, ports: [] }));
  }

  postMessage(message: unknown): void {
    this.port.postMessage(message);
  }

  close(): void {
    this.closed = true;
    this.port.close();
  }
}
