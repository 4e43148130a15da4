/**
 * The built trainer entry, out/main/trainer.js, run as Electron would run it (minus Electron): in its own thread,
 * with process.parentPort handing it a port. Build first: `npm run build` (or `npx electron-vite build`).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type TrainerEvent } from '../../src/shared/protocol';
import { appPaths } from '../../src/main/paths';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outMain = fileURLToPath(new URL('../../out/main', import.meta.url));
const built = appPaths(outMain, undefined, true);
const shim = fileURLToPath(new URL('./utility-shim.mjs', import.meta.url));

function requireBuilt(path: string): void {
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run \`npm run build\` (or \`npx electron-vite build\`) in ${root} before this test`);
  }
}

let worker: Worker;
const ports: MessagePort[] = [];

beforeAll(async () => {
  requireBuilt(built.trainerEntry);
  worker = new Worker(shim, { workerData: { entry: built.trainerEntry } });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', (message) => (message === 'ready' ? resolve() : reject(new Error(`unexpected ${String(message)}`))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the trainer entry exited with code ${code} before it was ready`)));
  });
});

afterAll(async () => {
  for (const port of ports) port.close();
  await worker?.terminate();
});

/** Hand the trainer a new channel, as main does; returns the client's end. */
function connect(): { port: MessagePort; ask(message: unknown): Promise<TrainerEvent> } {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1);
  worker.postMessage({ port: port2 }, [port2]);
  return {
    port: port1,
    ask: (message) =>
      new Promise((resolve) => {
        port1.once('message', resolve);
        port1.postMessage(message);
      }),
  };
}

describe('built trainer entry (out/main/trainer.js) in a utility-process stand-in', () => {
  it('main computes the paths the build writes: trainer entry and CommonJS preload', () => {
    requireBuilt(built.trainerEntry);
    requireBuilt(built.preload);
  });

  it('names the threads its matrix products are split across: one per core (worker_threads work in the utility process)', async () => {
    const client = connect();
    const cores = Math.min(8, availableParallelism());
    const hello = await client.ask({ type: 'hello', seq: 1, clientProtocolVersion: PROTOCOL_VERSION });
    expect(hello).toMatchObject({ type: 'hello', host: `netwright-trainer (utility process), ${cores} thread${cores === 1 ? '' : 's'} for large products` });
  });

  it('answers hello with the protocol version, then ping, errors and ping again on one connection', async () => {
    const client = connect();
    expect(await client.ask({ type: 'hello', seq: 1, clientProtocolVersion: PROTOCOL_VERSION })).toMatchObject({
      type: 'hello',
      replyTo: 1,
      protocolVersion: PROTOCOL_VERSION,
      host: expect.stringContaining('utility process'),
    });
    expect(await client.ask({ type: 'ping', seq: 2, payload: 'built' })).toMatchObject({ type: 'pong', replyTo: 2, payload: 'built' });
    expect(await client.ask({ type: 'ping', seq: 'three' })).toMatchObject({ type: 'error', code: 'malformed' });
    expect(await client.ask(42)).toMatchObject({ type: 'error', code: 'malformed' });
    expect(await client.ask({ type: 'train-forever', seq: 4 })).toMatchObject({ type: 'error', code: 'unknown-command', replyTo: 4 });
    expect(await client.ask({ type: 'ping', seq: 5 })).toMatchObject({ type: 'pong', replyTo: 5 });
  });

  it('serves a new port sent later (renderer reload) and closes the old one', async () => {
    const first = connect();
    expect(await first.ask({ type: 'ping', seq: 1 })).toMatchObject({ type: 'pong' });
    const firstClosed = new Promise<void>((resolve) => first.port.once('close', () => resolve()));
    const second = connect();
    expect(await second.ask({ type: 'hello', seq: 1, clientProtocolVersion: PROTOCOL_VERSION })).toMatchObject({ type: 'hello' });
    await firstClosed;
  });

  it('refuses a client of another protocol version', async () => {
    const client = connect();
    expect(await client.ask({ type: 'hello', seq: 9, clientProtocolVersion: PROTOCOL_VERSION + 1 })).toMatchObject({
      type: 'error',
      code: 'version-mismatch',
      replyTo: 9,
    });
  });
});
