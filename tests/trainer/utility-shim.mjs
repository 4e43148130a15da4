// Runs the built trainer entry (out/main/trainer.js) in a worker_threads Worker as if it were an Electron utility
// process: `process.parentPort` is an EventEmitter fed from the worker's parentPort, whose messages carry a
// worker_threads MessagePort dressed as a MessagePortMain (on('message', e => e.data), start(), close(), 'close').
import { EventEmitter } from 'node:events';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { parentPort as workerParent, workerData } from 'node:worker_threads';

class MessagePortMainShim extends EventEmitter {
  constructor(port) {
    super();
    this.port = port;
    this.started = false;
    port.once('close', () => this.emit('close'));
  }
  start() {
    // Like MessagePortMain, nothing is delivered before start().
    if (this.started) return;
    this.started = true;
    this.port.on('message', (data) => this.emit('message', { data, ports: [] }));
  }
  postMessage(message) {
    this.port.postMessage(message);
  }
  close() {
    this.port.close();
  }
}

const parentPort = new EventEmitter();
process.parentPort = parentPort;

await import(pathToFileURL(workerData.entry).href);

workerParent.on('message', (message) => {
  // The test sends { port } with the port transferred, as main does with child.postMessage(null, [port1]).
  const ports = message && message.port ? [new MessagePortMainShim(message.port)] : [];
  parentPort.emit('message', { data: null, ports });
});
workerParent.postMessage('ready');
