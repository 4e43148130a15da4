import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { AckPacer } from '../../src/trainer/pacer';

/** A pacer over a counter `state`; records what was sent. */
function counterPacer(window?: number) {
  let state = 0;
  const sent: { value: number; id: number }[] = [];
  const produce = vi.fn(() => state);
  const pacer = new AckPacer<number>({ produce, send: (value, id) => sent.push({ value, id }), window });
  return {
    pacer,
    sent,
    produce,
    change() {
      state++;
      pacer.changed();
    },
    get state() {
      return state;
    },
  };
}

describe('AckPacer', () => {
  it('sends the first change at once', () => {
    const t = counterPacer();
    t.change();
    expect(t.sent).toEqual([{ value: 1, id: 1 }]);
  });

  it('holds later changes until the ack, then sends only the latest state', () => {
    const t = counterPacer();
    t.change();
    t.change();
    t.change();
    t.change();
    expect(t.sent).toHaveLength(1);
    expect(t.produce).toHaveBeenCalledTimes(1);
    expect(t.pacer.dirty).toBe(true);
    expect(t.pacer.ack(1)).toBe(true);
    expect(t.sent).toEqual([
      { value: 1, id: 1 },
      { value: 4, id: 2 },
    ]);
    expect(t.pacer.dirty).toBe(false);
  });

  it('sends nothing on an ack when nothing changed', () => {
    const t = counterPacer();
    t.change();
    t.pacer.ack(1);
    expect(t.sent).toHaveLength(1);
    expect(t.pacer.inFlight).toBe(0);
  });

  it('ignores stale, duplicate and unknown acks', () => {
    const t = counterPacer();
    t.change();
    t.change();
    expect(t.pacer.ack(7)).toBe(false);
    expect(t.pacer.ack(0)).toBe(false);
    expect(t.sent).toHaveLength(1);
    expect(t.pacer.ack(1)).toBe(true);
    expect(t.pacer.ack(1)).toBe(false);
    expect(t.sent).toHaveLength(2);
  });

  it('keeps up to `window` values in flight and treats acks as cumulative', () => {
    const t = counterPacer(3);
    for (let i = 0; i < 5; i++) t.change();
    expect(t.sent.map((s) => s.value)).toEqual([1, 2, 3]);
    expect(t.pacer.inFlight).toBe(3);
    t.pacer.ack(2);
    expect(t.sent.map((s) => s.value)).toEqual([1, 2, 3, 5]);
    expect(t.pacer.inFlight).toBe(2);
  });

  it('reset forgets what awaits acks and sends a pending change', () => {
    const t = counterPacer();
    t.change();
    t.change();
    t.pacer.reset();
    expect(t.sent.map((s) => s.value)).toEqual([1, 2]);
    expect(t.pacer.ack(1)).toBe(false);
    expect(t.pacer.ack(2)).toBe(true);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a window of %s', (window) => {
    expect(() => new AckPacer({ produce: () => 0, send: () => undefined, window })).toThrow(/positive integer/);
  });

  it('never exceeds its window, never sends a stale state, and always delivers the last change (seeded)', () => {
    const op = fc.oneof(fc.constant({ kind: 'change' as const }), fc.record({ kind: fc.constant('ack' as const), pick: fc.nat(5) }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 60 }), (window, ops) => {
        const t = counterPacer(window);
        const awaiting: number[] = [];
        for (const o of ops) {
          const before = t.sent.length;
          if (o.kind === 'change') t.change();
          else if (awaiting.length > 0) {
            const id = awaiting[Math.min(o.pick, awaiting.length - 1)] as number;
            t.pacer.ack(id);
            awaiting.splice(0, awaiting.indexOf(id) + 1);
          }
          for (const s of t.sent.slice(before)) {
            expect(s.value).toBe(t.state);
            awaiting.push(s.id);
          }
          expect(t.pacer.inFlight).toBe(awaiting.length);
          expect(t.pacer.inFlight).toBeLessThanOrEqual(window);
        }
        // The client keeps acking: the last state arrives.
        while (awaiting.length > 0) {
          const before = t.sent.length;
          t.pacer.ack(awaiting.shift() as number);
          for (const s of t.sent.slice(before)) awaiting.push(s.id);
        }
        if (t.state > 0) expect(t.sent.at(-1)?.value).toBe(t.state);
        expect(t.pacer.dirty).toBe(false);
      }),
      { seed: 20261129, numRuns: 300 },
    );
  });
});
