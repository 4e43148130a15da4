import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTrainerStore, describeConnection } from '../../../src/renderer/state/trainer';
import { PROTOCOL_VERSION } from '../../../src/shared/protocol';
import { inMemoryTransport } from '../helpers/transport';
import { emptyDocument } from '../../../src/core/document';

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

/** Timers driven by hand: `advance(ms)` fires what falls due, in order. */
function manualTimers() {
  let now = 0;
  let nextId = 1;
  const pending = new Map<number, { at: number; f: () => void }>();
  return {
    timers: {
      setTimeout: (f: () => void, ms: number) => {
        const id = nextId++;
        pending.set(id, { at: now + ms, f });
        return id;
      },
      clearTimeout: (handle: unknown) => void pending.delete(handle as number),
    },
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = [...pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        pending.delete(due[0]);
        now = due[1].at;
        due[1].f();
        // Let replies over the in-memory channel arrive.
        await new Promise((r) => setTimeout(r, 0));
      }
      now = end;
    },
  };
}

describe('the trainer heartbeat', () => {
  it('keeps a trainer that answers its pings "ready"', async () => {
    const clock = manualTimers();
    const fake = inMemoryTransport();
    const store = createTrainerStore(fake.transport, { heartbeatIntervalMs: 100, heartbeatTimeoutMs: 300, timers: clock.timers });
    await store.getState().start();
    await clock.advance(2_000);
    expect(store.getState().connection.status).toBe('ready');
  });

  it('calls a trainer that stops answering "hung", lets it go and offers a restart that works', async () => {
    const clock = manualTimers();
    let answering = true;
    // A trainer whose loop never yields again: it still exists (no exit event) but answers nothing.
    const fake = inMemoryTransport({
      host: { handlers: { ping: (command, context) => void (answering && context.reply({ type: 'pong', payload: command.payload })) } },
    });
    const store = createTrainerStore(fake.transport, { heartbeatIntervalMs: 100, heartbeatTimeoutMs: 300, timers: clock.timers });
    await store.getState().start();
    await clock.advance(250);
    expect(store.getState().connection.status).toBe('ready');
    answering = false;
    await clock.advance(1_000);
    expect(store.getState().connection).toMatchObject({ status: 'hung', reason: 'the trainer has not answered for 300 ms' });
    expect(describeConnection(store.getState().connection)).toBe('Trainer not answering');
    expect(store.getState().client).toBeNull();
    expect(fake.trainers[0]!.closed).toBe(true);
    answering = true;
    await store.getState().restart();
    expect(store.getState().connection.status).toBe('ready');
    await clock.advance(1_000);
    expect(store.getState().connection.status).toBe('ready');
  });

  it('waits for a trainer busy loading a document, and counts silence again once the load is over', async () => {
    const clock = manualTimers();
    // A trainer that is busy with a load answers nothing until the load ends (its messages are handled in order).
    let endLoad: (() => void) | null = null;
    let hangAfterLoad = false;
    const queued: (() => void)[] = [];
    const fake = inMemoryTransport({
      host: {
        handlers: {
          load: (_command, context) => {
            endLoad = () => {
              endLoad = null;
              // How the load ends (loaded or failed) does not matter here: only that its reply came.
              context.reply({ type: 'error', code: 'internal', message: 'the load ended' });
              if (!hangAfterLoad) for (const answer of queued.splice(0)) answer();
            };
          },
          ping: (command, context) => {
            const answer = () => context.reply({ type: 'pong', payload: command.payload });
            if (endLoad || hangAfterLoad) queued.push(answer);
            else answer();
          },
        },
      },
    });
    const store = createTrainerStore(fake.transport, { heartbeatIntervalMs: 100, heartbeatTimeoutMs: 300, timers: clock.timers });
    await store.getState().start();
    const client = store.getState().client!;
    const loading = client.request({ type: 'load', document: emptyDocument() }, 'loaded', { timeoutMs: 60_000 }).catch(() => 'ended');
    await vi.waitFor(() => expect(endLoad).not.toBeNull());
    expect(client.awaiting('load')).toBe(true);
    // Ten heartbeat timeouts of silence while the load runs: still ready.
    await clock.advance(3_000);
    expect(store.getState().connection.status).toBe('ready');
    endLoad!();
    await loading;
    expect(client.awaiting('load')).toBe(false);
    await clock.advance(1_000);
    expect(store.getState().connection.status).toBe('ready');

    // A second load after which the trainer answers nothing: once the load is over, silence is a hang again.
    hangAfterLoad = true;
    const second = client.request({ type: 'load', document: emptyDocument() }, 'loaded', { timeoutMs: 60_000 }).catch(() => 'ended');
    await vi.waitFor(() => expect(endLoad).not.toBeNull());
    await clock.advance(3_000);
    expect(store.getState().connection.status).toBe('ready');
    endLoad!();
    await second;
    await clock.advance(1_000);
    expect(store.getState().connection).toMatchObject({ status: 'hung', reason: 'the trainer has not answered for 300 ms' });
  });
});
