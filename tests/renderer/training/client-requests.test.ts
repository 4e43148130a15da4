import { describe, expect, it } from 'vitest';
import { createTrainerClient } from '../../../src/renderer/trainer/client';
import { scriptedPort } from '../helpers/channel';

describe('the trainer client for training commands', () => {
  it('resolves a request with the reply of the expected type that names its seq', async () => {
    const { port, sent, deliver } = scriptedPort();
    const client = createTrainerClient(port);
    const reply = client.request({ type: 'pause' }, 'state');
    const seq = (sent[0] as { seq: number }).seq;
    expect(sent[0]).toEqual({ type: 'pause', seq });
    // An unrelated state event (no replyTo) does not settle it.
    deliver({ type: 'state', seq: 1, running: true, step: 5, epoch: 0, reason: 'started', setup: {} });
    deliver({ type: 'state', seq: 2, replyTo: seq, running: false, step: 9, epoch: 0, reason: 'paused', setup: {} });
    await expect(reply).resolves.toMatchObject({ type: 'state', step: 9, reason: 'paused' });
  });

  it('rejects a request the trainer answers with an error, with the trainer\'s words and code', async () => {
    const { port, sent, deliver } = scriptedPort();
    const client = createTrainerClient(port);
    const reply = client.request({ type: 'load', document: {} }, 'loaded');
    const seq = (sent[0] as { seq: number }).seq;
    deliver({ type: 'error', seq: 3, replyTo: seq, code: 'data-error', message: 'bad.csv: row 3, column "x2": not a number' });
    await expect(reply).rejects.toMatchObject({ code: 'trainer-error', trainerCode: 'data-error', message: 'load: bad.csv: row 3, column "x2": not a number' });
  });

  it('sends fire-and-forget commands with their own seq, and nothing once closed', () => {
    const { port, sent } = scriptedPort();
    const client = createTrainerClient(port);
    const a = client.send({ type: 'ack', snapshot: 4 });
    const b = client.send({ type: 'step', batches: 1 });
    expect(a).not.toBeNull();
    expect(b).toBe(a! + 1);
    expect(sent).toEqual([{ type: 'ack', snapshot: 4, seq: a }, { type: 'step', batches: 1, seq: b }]);
    client.dispose();
    expect(client.send({ type: 'pause' })).toBeNull();
    expect(sent).toHaveLength(2);
  });

  it('passes training events (snapshot, diverged, loaded) to listeners', () => {
    const { port, deliver } = scriptedPort();
    const client = createTrainerClient(port);
    const types: string[] = [];
    client.onEvent((e) => types.push(e.type));
    deliver({ type: 'snapshot', seq: 1, id: 1 });
    deliver({ type: 'diverged', seq: 2, step: 3, epoch: 0, where: 'loss', message: 'x' });
    deliver({ type: 'loaded', seq: 3, replyTo: 1 });
    expect(types).toEqual(['snapshot', 'diverged', 'loaded']);
  });
});
