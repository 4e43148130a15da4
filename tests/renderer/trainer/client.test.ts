import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTrainerClient, TrainerRequestError } from '../../../src/renderer/trainer/client';
import { PROTOCOL_VERSION, type TrainerEvent } from '../../../src/shared/protocol';
import { startTrainerHost } from '../../../src/trainer/host';
import { memoryChannel, scriptedPort, settle } from '../helpers/channel';

afterEach(() => {
  vi.useRealTimers();
});

function seqOf(message: unknown): number {
  return (message as { seq: number }).seq;
}

describe('createTrainerClient', () => {
  it('says hello with this window’s protocol version and resolves with the host’s answer', async () => {
    const { port, sent, deliver } = scriptedPort();
    const client = createTrainerClient(port);
    const reply = client.hello();
    expect(sent).toEqual([{ type: 'hello', seq: 1, clientProtocolVersion: PROTOCOL_VERSION }]);
    deliver({ type: 'hello', seq: 7, replyTo: 1, protocolVersion: PROTOCOL_VERSION, host: 'fake host' });
    await expect(reply).resolves.toMatchObject({ protocolVersion: PROTOCOL_VERSION, host: 'fake host' });
  });

  it('matches replies to requests by replyTo, even when they arrive out of order', async () => {
    const { port, sent, deliver } = scriptedPort();
    const client = createTrainerClient(port);
    const first = client.ping('first');
    const second = client.ping('second');
    const [a, b] = sent.map(seqOf);
    expect(a).not.toBe(b);
    deliver({ type: 'pong', seq: 1, replyTo: b, payload: 'answer to second' });
    deliver({ type: 'pong', seq: 2, replyTo: a, payload: 'answer to first' });
    await expect(first).resolves.toMatchObject({ payload: 'answer to first' });
    await expect(second).resolves.toMatchObject({ payload: 'answer to second' });
  });

  it('ignores a reply to a seq it never sent, and the pending request still gets its own', async () => {
    const { port, sent, deliver } = scriptedPort();
    const client = createTrainerClient(port);
    const ping = client.ping('x');
    deliver({ type: 'pong', seq: 1, replyTo: 999, payload: 'stray' });
    deliver({ type: 'pong', seq: 2, replyTo: seqOf(sent[0]), payload: 'x' });
    await expect(ping).resolves.toMatchObject({ replyTo: seqOf(sent[0]), payload: 'x' });
  });

  it('times out a request that gets no reply, with a clear error, and ignores a late reply', async () => {
    vi.useFakeTimers();
    const { port, sent, deliver } = scriptedPort();
    const client = createTrainerClient(port, { timeoutMs: 1_000 });
    const events: TrainerEvent[] = [];
    client.onEvent((event) => events.push(event));
    const ping = client.ping('hello?');
    const outcome = ping.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    vi.advanceTimersByTime(999);
    await settle();
    let settled = false;
    void outcome.then(() => (settled = true));
    await settle();
    expect(settled).toBe(false);

    vi.advanceTimersByTime(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(TrainerRequestError);
    expect(error).toMatchObject({ code: 'timeout', message: 'ping: no reply from the trainer within 1000 ms' });

    // The late reply is still an event for listeners, but settles nothing and throws nothing.
    deliver({ type: 'pong', seq: 3, replyTo: seqOf(sent[0]), payload: 'hello?' });
    expect(events).toHaveLength(1);
  });

  it('uses a per-request timeout over the client default', async () => {
    vi.useFakeTimers();
    const { port } = scriptedPort();
    const client = createTrainerClient(port, { timeoutMs: 60_000 });
    const ping = client.ping(undefined, { timeoutMs: 50 });
    vi.advanceTimersByTime(50);
    await expect(ping).rejects.toMatchObject({ code: 'timeout', message: 'ping: no reply from the trainer within 50 ms' });
  });

  it('rejects with the trainer’s own error code and message when the reply is an error event', async () => {
    const { port, sent, deliver } = scriptedPort();
    const client = createTrainerClient(port);
    const hello = client.hello();
    deliver({ type: 'error', seq: 1, replyTo: seqOf(sent[0]), code: 'version-mismatch', message: 'this host speaks v2' });
    await expect(hello).rejects.toMatchObject({ code: 'trainer-error', trainerCode: 'version-mismatch', message: 'hello: this host speaks v2' });
  });

  it('rejects a reply of the wrong type instead of resolving with it', async () => {
    const { port, sent, deliver } = scriptedPort();
    const client = createTrainerClient(port);
    const hello = client.hello();
    deliver({ type: 'pong', seq: 1, replyTo: seqOf(sent[0]) });
    await expect(hello).rejects.toMatchObject({ code: 'unexpected-reply', message: 'hello: expected a "hello" reply, got "pong"' });
  });

  it('rejects every pending request with "closed" when disposed, and refuses new ones', async () => {
    const { port } = scriptedPort();
    const client = createTrainerClient(port);
    const a = client.ping('a');
    const b = client.hello();
    client.dispose('the trainer stopped');
    await expect(a).rejects.toMatchObject({ code: 'closed', message: 'ping: the trainer stopped' });
    await expect(b).rejects.toMatchObject({ code: 'closed', message: 'hello: the trainer stopped' });
    await expect(client.ping()).rejects.toMatchObject({ code: 'closed' });
    expect(client.disposed).toBe(true);
  });

  it('stops listening to the port when disposed', () => {
    const scripted = scriptedPort();
    const client = createTrainerClient(scripted.port);
    expect(scripted.listenerCount).toBe(1);
    client.dispose();
    expect(scripted.listenerCount).toBe(0);
  });

  it('reports a failed send as "closed" rather than throwing', async () => {
    const client = createTrainerClient({
      postMessage: () => {
        throw new Error('port is closed');
      },
      onMessage: () => () => undefined,
    });
    await expect(client.ping()).rejects.toMatchObject({ code: 'closed', message: 'ping: could not send to the trainer (port is closed)' });
  });

  it('passes malformed messages to onMalformed and not to event listeners', () => {
    const { port, deliver } = scriptedPort();
    const malformed: unknown[] = [];
    const client = createTrainerClient(port, { onMalformed: (m) => malformed.push(m) });
    const events: unknown[] = [];
    client.onEvent((e) => events.push(e));
    deliver('not an object');
    deliver({ type: 'telepathy', seq: 1 });
    deliver({ type: 'pong' });
    deliver({ type: 'pong', seq: 1, replyTo: 'one' });
    expect(malformed).toHaveLength(4);
    expect(events).toHaveLength(0);
  });

  it('delivers unsolicited events to subscribers until they unsubscribe', () => {
    const { port, deliver } = scriptedPort();
    const client = createTrainerClient(port);
    const events: TrainerEvent[] = [];
    const unsubscribe = client.onEvent((e) => events.push(e));
    deliver({ type: 'error', seq: 1, code: 'internal', message: 'something broke' });
    unsubscribe();
    deliver({ type: 'error', seq: 2, code: 'internal', message: 'again' });
    expect(events).toEqual([{ type: 'error', seq: 1, code: 'internal', message: 'something broke' }]);
  });

  it('talks to the real trainer host: hello and ping round-trip over an in-memory channel', async () => {
    const [clientEnd, hostEnd] = memoryChannel();
    const host = startTrainerHost(hostEnd, { hostName: 'in-memory host' });
    const client = createTrainerClient(clientEnd);
    await expect(client.hello()).resolves.toMatchObject({ type: 'hello', protocolVersion: PROTOCOL_VERSION, host: 'in-memory host' });
    const pings = await Promise.all(['a', 'b', 'c'].map((p) => client.ping(p)));
    expect(pings.map((p) => p.payload)).toEqual(['a', 'b', 'c']);
    client.dispose();
    host.dispose();
  });
});
