import { describe, expect, it } from 'vitest';
import { IPC, TRAINER_PORT_MESSAGE } from '../../src/shared/ipc';
import { PROTOCOL_VERSION, parseCommand, setupChangesSchema } from '../../src/shared/protocol';

describe('parseCommand', () => {
  it('accepts a well-formed hello and ping', () => {
    expect(parseCommand({ type: 'hello', seq: 0, clientProtocolVersion: PROTOCOL_VERSION })).toEqual({
      ok: true,
      command: { type: 'hello', seq: 0, clientProtocolVersion: PROTOCOL_VERSION },
    });
    expect(parseCommand({ type: 'ping', seq: 1, payload: 'p' })).toEqual({ ok: true, command: { type: 'ping', seq: 1, payload: 'p' } });
  });

  it('drops fields the protocol does not know', () => {
    const parsed = parseCommand({ type: 'ping', seq: 1, extra: { huge: true } });
    expect(parsed).toEqual({ ok: true, command: { type: 'ping', seq: 1 } });
  });

  it.each([
    [42, 'got number'],
    [null, 'got null'],
    [[1, 2], 'got an array'],
    ['ping', 'got string'],
  ])('refuses %o, saying what it got', (raw, said) => {
    const parsed = parseCommand(raw);
    expect(parsed).toMatchObject({ ok: false, code: 'malformed' });
    expect(!parsed.ok && parsed.message).toContain(said);
  });

  it('keeps the seq of a bad command so the error can answer it', () => {
    expect(parseCommand({ seq: 5, type: 3 })).toMatchObject({ ok: false, code: 'malformed', replyTo: 5 });
    expect(parseCommand({ seq: 6, type: 'teleport' })).toMatchObject({ ok: false, code: 'unknown-command', replyTo: 6 });
    expect(parseCommand({ seq: 7.5, type: 'teleport' })).not.toHaveProperty('replyTo');
  });

  it('names the command and the field that is wrong', () => {
    const parsed = parseCommand({ type: 'hello', seq: 1, clientProtocolVersion: 'x' });
    expect(!parsed.ok && parsed.message).toMatch(/^hello: clientProtocolVersion: /);
  });

  it('never throws, whatever arrives', () => {
    const weird: unknown[] = [undefined, Symbol.iterator, () => 1, new Map(), Object.create(null), { type: 'ping', get seq() { throw new Error('getter'); } }];
    for (const raw of weird) expect(parseCommand(raw)).toMatchObject({ ok: false, code: 'malformed' });
  });
});

describe('setup changes sent as undefined', () => {
  it.each(Object.keys(setupChangesSchema.shape))(
    'changes.%s: undefined is refused at the boundary, naming the field',
    (field) => {
      const result = parseCommand({ type: 'setup', seq: 4, changes: { learningRate: 0.1, [field]: undefined } });
      expect(result).toEqual({ ok: false, code: 'malformed', replyTo: 4, message: `setup: changes.${field}: must be a value (leave the field out to keep the current one)` });
    },
  );

  it('a field left out is still fine', () => {
    expect(parseCommand({ type: 'setup', seq: 5, changes: { batchSize: 8 } })).toMatchObject({ ok: true });
  });
});

describe('IPC contract', () => {
  it('uses distinct channel names, apart from the page message type', () => {
    const names = Object.values(IPC);
    expect(new Set(names).size).toBe(names.length);
    expect(names).not.toContain(TRAINER_PORT_MESSAGE);
  });
});
