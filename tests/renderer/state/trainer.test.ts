import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTrainerStore, describeConnection } from '../../../src/renderer/state/trainer';
import { PROTOCOL_VERSION } from '../../../src/shared/protocol';
import { inMemoryTransport } from '../helpers/transport';

afterEach(() => {
  vi.useRealTimers();
});

describe('the trainer connection store', () => {
  it('starts connecting and becomes ready after a real hello round-trip', async () => {
    const fake = inMemoryTransport();
    const store = createTrainerStore(fake.transport);
    expect(store.getState().connection.status).toBe('connecting');
    await store.getState().start();
    expect(store.getState().connection).toEqual({ status: 'ready', transport: 'worker', protocolVersion: PROTOCOL_VERSION, host: 'in-memory trainer' });
    expect(describeConnection(store.getState().connection)).toBe(`Trainer ready · protocol v${PROTOCOL_VERSION}`);
    await expect(store.getState().client?.ping('still there?')).resolves.toMatchObject({ payload: 'still there?' });
  });

  it('goes to "gone" with the reason when the trainer dies, and drops its client', async () => {
    const fake = inMemoryTransport();
    const store = createTrainerStore(fake.transport);
    await store.getState().start();
    const client = store.getState().client;
    fake.trainers[0]!.die('uncaught error in the trainer: boom');
    expect(store.getState().connection).toEqual({ status: 'gone', transport: 'worker', reason: 'uncaught error in the trainer: boom' });
    expect(store.getState().client).toBeNull();
    expect(client?.disposed).toBe(true);
  });

  it('goes to "gone" (not "error") when the trainer dies while the hello is still pending', async () => {
    const fake = inMemoryTransport({ silent: true });
    const store = createTrainerStore(fake.transport);
    const starting = store.getState().start();
    await vi.waitFor(() => expect(fake.trainers).toHaveLength(1));
    fake.trainers[0]!.die('the trainer could not start');
    await starting;
    expect(store.getState().connection).toMatchObject({ status: 'gone', reason: 'the trainer could not start' });
  });

  it('restart brings a dead trainer back: a fresh one, ready again', async () => {
    const fake = inMemoryTransport();
    const store = createTrainerStore(fake.transport);
    await store.getState().start();
    fake.trainers[0]!.die('crashed');
    await store.getState().restart();
    expect(fake.restarts).toBe(1);
    expect(fake.trainers).toHaveLength(2);
    expect(store.getState().connection.status).toBe('ready');
    // The dead trainer's later noise changes nothing.
    fake.trainers[0]!.die('crashed again');
    expect(store.getState().connection.status).toBe('ready');
  });

  it('restart of a live trainer closes the old one first', async () => {
    const fake = inMemoryTransport();
    const store = createTrainerStore(fake.transport);
    await store.getState().start();
    await store.getState().restart();
    expect(fake.trainers[0]!.closed).toBe(true);
    expect(fake.trainers[1]!.closed).toBe(false);
    expect(store.getState().connection.status).toBe('ready');
  });

  it('reports an error, not a hang, when the trainer never answers hello', async () => {
    vi.useFakeTimers();
    const fake = inMemoryTransport({ silent: true });
    const store = createTrainerStore(fake.transport, { helloTimeoutMs: 3_000 });
    const starting = store.getState().start();
    await vi.advanceTimersByTimeAsync(3_000);
    await starting;
    expect(store.getState().connection).toEqual({ status: 'error', transport: 'worker', message: 'hello: no reply from the trainer within 3000 ms' });
  });

  it('reports an error when the trainer speaks another protocol version', async () => {
    const fake = inMemoryTransport({
      host: { handlers: { hello: (_command, context) => context.reply({ type: 'hello', protocolVersion: PROTOCOL_VERSION + 1, host: 'future trainer' }) } },
    });
    const store = createTrainerStore(fake.transport);
    await store.getState().start();
    expect(store.getState().connection).toMatchObject({
      status: 'error',
      message: `the trainer speaks protocol v${PROTOCOL_VERSION + 1}, this window speaks v${PROTOCOL_VERSION}`,
    });
    expect(store.getState().client).toBeNull();
  });

  it('reports an error when no transport can be opened', async () => {
    const fake = inMemoryTransport({ failConnect: 'the desktop app did not hand over a trainer channel within 10 s' });
    const store = createTrainerStore(fake.transport);
    await store.getState().start();
    expect(store.getState().connection).toMatchObject({ status: 'error', message: 'the desktop app did not hand over a trainer channel within 10 s' });
  });

  it('keeps only the newest attempt when start and restart overlap', async () => {
    const fake = inMemoryTransport();
    const store = createTrainerStore(fake.transport);
    await Promise.all([store.getState().start(), store.getState().restart()]);
    expect(fake.trainers).toHaveLength(2);
    expect(fake.trainers[0]!.closed).toBe(true);
    expect(store.getState().connection.status).toBe('ready');
  });

  it('stop lets go of the trainer', async () => {
    const fake = inMemoryTransport();
    const store = createTrainerStore(fake.transport);
    await store.getState().start();
    store.getState().stop();
    expect(fake.trainers[0]!.closed).toBe(true);
    expect(store.getState().client).toBeNull();
  });
});
