import { describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION, type TrainerEvent } from '../../src/shared/protocol';
import type { TrainerPort } from '../../src/shared/port';
import { DEFAULT_HOST_NAME, startTrainerHost, type TrainerHostOptions } from '../../src/trainer/host';
import { Inbox, memoryPortPair, settle } from './memory-port';

function connect(options?: TrainerHostOptions) {
  const [client, server] = memoryPortPair();
  const host = startTrainerHost(server, options);
  const inbox = new Inbox<TrainerEvent>(client);
  /** Send one raw message and wait for the next event. */
  async function ask(message: unknown): Promise<TrainerEvent> {
    const reply = inbox.next();
    client.postMessage(message);
    return reply;
  }
  return { client, server, host, inbox, ask };
}

describe('trainer host: hello', () => {
  it('answers hello with the protocol version and its name, in reply to the command', async () => {
    const { ask } = connect();
    const event = await ask({ type: 'hello', seq: 7, clientProtocolVersion: PROTOCOL_VERSION });
    expect(event).toMatchObject({ type: 'hello', replyTo: 7, protocolVersion: PROTOCOL_VERSION, host: DEFAULT_HOST_NAME });
  });

  it('reports the host name given in its options', async () => {
    const { ask } = connect({ hostName: 'test host' });
    const event = await ask({ type: 'hello', seq: 1, clientProtocolVersion: PROTOCOL_VERSION });
    expect(event).toMatchObject({ type: 'hello', host: 'test host' });
  });

  it.each([PROTOCOL_VERSION + 1, PROTOCOL_VERSION - 1, 0])('refuses a client speaking protocol %i with version-mismatch', async (version) => {
    const { ask } = connect();
    const event = await ask({ type: 'hello', seq: 3, clientProtocolVersion: version });
    expect(event).toMatchObject({ type: 'error', code: 'version-mismatch', replyTo: 3 });
    expect(event.type === 'error' && event.message).toContain(String(version));
  });
});

describe('trainer host: ping', () => {
  it('answers ping with a pong echoing the payload', async () => {
    const { ask } = connect();
    expect(await ask({ type: 'ping', seq: 4, payload: 'are you there?' })).toMatchObject({
      type: 'pong',
      replyTo: 4,
      payload: 'are you there?',
    });
  });

  it('answers a ping without payload with a pong without payload', async () => {
    const { ask } = connect();
    const event = await ask({ type: 'ping', seq: 5 });
    expect(event).toMatchObject({ type: 'pong', replyTo: 5 });
    expect(event).not.toHaveProperty('payload');
  });
});

describe('trainer host: bad messages become error events', () => {
  it.each([
    ['a number', 42],
    ['null', null],
    ['a string', 'hello'],
    ['an array', [{ type: 'ping', seq: 1 }]],
    ['undefined', undefined],
  ])('rejects %s as malformed, with no replyTo', async (_name, message) => {
    const { ask } = connect();
    const event = await ask(message);
    expect(event).toMatchObject({ type: 'error', code: 'malformed' });
    expect(event).not.toHaveProperty('replyTo');
  });

  it('rejects a command without a type, replying to its seq', async () => {
    const { ask } = connect();
    expect(await ask({ seq: 9, payload: 'x' })).toMatchObject({ type: 'error', code: 'malformed', replyTo: 9 });
  });

  it.each([
    ['hello with a string version', { type: 'hello', seq: 2, clientProtocolVersion: 'one' }, 'clientProtocolVersion'],
    ['hello with a fractional version', { type: 'hello', seq: 2, clientProtocolVersion: 1.5 }, 'clientProtocolVersion'],
    ['hello without a version', { type: 'hello', seq: 2 }, 'clientProtocolVersion'],
    ['ping with a numeric payload', { type: 'ping', seq: 2, payload: 5 }, 'payload'],
    ['ping with a too long payload', { type: 'ping', seq: 2, payload: 'x'.repeat(2000) }, 'payload'],
    ['ping with a negative seq', { type: 'ping', seq: -2 }, 'seq'],
    ['ping with a string seq', { type: 'ping', seq: '2' }, 'seq'],
  ])('rejects %s as malformed, naming the field', async (_name, message, field) => {
    const { ask } = connect();
    const event = await ask(message);
    expect(event).toMatchObject({ type: 'error', code: 'malformed' });
    expect(event.type === 'error' && event.message).toContain(field);
  });

  it('rejects an unknown command by name, replying to its seq', async () => {
    const { ask } = connect();
    const event = await ask({ type: 'fly', seq: 11 });
    expect(event).toMatchObject({ type: 'error', code: 'unknown-command', replyTo: 11 });
    expect(event.type === 'error' && event.message).toContain('"fly"');
  });

  it('reports a known command that has no handler as unknown-command', async () => {
    const { ask } = connect({ handlers: { ping: undefined } });
    const event = await ask({ type: 'ping', seq: 12 });
    expect(event).toMatchObject({ type: 'error', code: 'unknown-command', replyTo: 12 });
  });
});

describe('trainer host: handlers', () => {
  it('turns a handler that throws into an internal error event and keeps serving', async () => {
    const { ask } = connect({
      handlers: {
        hello: () => {
          throw new Error('engine exploded');
        },
      },
    });
    const event = await ask({ type: 'hello', seq: 21, clientProtocolVersion: PROTOCOL_VERSION });
    expect(event).toMatchObject({ type: 'error', code: 'internal', replyTo: 21 });
    expect(event.type === 'error' && event.message).toContain('engine exploded');
    expect(await ask({ type: 'ping', seq: 22 })).toMatchObject({ type: 'pong', replyTo: 22 });
  });

  it('turns a handler that throws a non-Error into an internal error event', async () => {
    const { ask } = connect({
      handlers: {
        ping: () => {
          throw 17;
        },
      },
    });
    expect(await ask({ type: 'ping', seq: 1 })).toMatchObject({ type: 'error', code: 'internal', replyTo: 1 });
  });

  it('turns an async handler that rejects into an internal error event', async () => {
    const { ask } = connect({ handlers: { ping: async () => Promise.reject(new Error('later failure')) } });
    const event = await ask({ type: 'ping', seq: 31 });
    expect(event).toMatchObject({ type: 'error', code: 'internal', replyTo: 31 });
    expect(event.type === 'error' && event.message).toContain('later failure');
  });

  it('lets a registered handler reply, send unsolicited events and fail with a code', async () => {
    const { client, inbox } = connect({
      handlers: {
        ping: (command, context) => {
          context.send({ type: 'pong', replyTo: 0, payload: 'unsolicited' });
          context.reply({ type: 'pong', payload: `${command.payload}!` });
          context.fail('internal', 'and then a failure');
        },
      },
    });
    client.postMessage({ type: 'ping', seq: 40, payload: 'hi' });
    const events = await inbox.until(3);
    expect(events[0]).toMatchObject({ type: 'pong', replyTo: 0, payload: 'unsolicited' });
    expect(events[1]).toMatchObject({ type: 'pong', replyTo: 40, payload: 'hi!' });
    expect(events[2]).toMatchObject({ type: 'error', code: 'internal', replyTo: 40, message: 'and then a failure' });
  });
});

describe('trainer host: sequencing and lifetime', () => {
  it('numbers its events with strictly increasing seq, independent of the commands', async () => {
    const { client, inbox } = connect();
    client.postMessage({ type: 'ping', seq: 100 });
    client.postMessage('garbage');
    client.postMessage({ type: 'hello', seq: 100, clientProtocolVersion: PROTOCOL_VERSION });
    client.postMessage({ type: 'nope', seq: 5 });
    client.postMessage({ type: 'ping', seq: 3 });
    const events = await inbox.until(5);
    const seqs = events.map((e) => e.seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1] as number);
    expect(events.map((e) => e.type)).toEqual(['pong', 'error', 'hello', 'error', 'pong']);
  });

  it('stops answering once disposed', async () => {
    const { client, host, inbox } = connect();
    host.dispose();
    host.dispose();
    client.postMessage({ type: 'ping', seq: 1 });
    await settle();
    expect(inbox.messages).toEqual([]);
  });

  it('lets a long-running handler see that the host was disposed, and drops what it sends afterwards', async () => {
    let resume: () => void = () => undefined;
    const seen: boolean[] = [];
    const onDispose = vi.fn();
    const { client, host, inbox } = connect({
      onDispose,
      handlers: {
        ping: async (_command, context) => {
          await new Promise<void>((resolve) => (resume = resolve));
          seen.push(context.disposed);
          context.reply({ type: 'pong' });
        },
      },
    });
    client.postMessage({ type: 'ping', seq: 1 });
    await settle();
    host.dispose();
    resume();
    await settle();
    expect(seen).toEqual([true]);
    expect(onDispose).toHaveBeenCalledTimes(1);
    expect(inbox.messages).toEqual([]);
  });

  it('does not throw when the port cannot send, and reports it to onUnreportableError', async () => {
    const failure = new Error('port is gone');
    let deliver: (message: unknown) => void = () => undefined;
    const port: TrainerPort = {
      postMessage: () => {
        throw failure;
      },
      onMessage: (listener) => {
        deliver = listener;
        return () => undefined;
      },
    };
    const onUnreportableError = vi.fn();
    startTrainerHost(port, { onUnreportableError });
    expect(() => deliver({ type: 'ping', seq: 1 })).not.toThrow();
    expect(onUnreportableError).toHaveBeenCalledWith(failure);
  });
});
