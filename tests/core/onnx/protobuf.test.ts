/** The minimal protobuf writer and reader: what is written reads back, and bad bytes give a position, never a throw of another kind. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Message, ProtobufError, Writer, utf8Decode, utf8Encode } from '../../../src/core/onnx/protobuf';

describe('protobuf', () => {
  it('reads back integers (up to 2^53 and negative int64), floats, strings, bytes and nested messages', () => {
    fc.assert(fc.property(
      fc.array(fc.maxSafeInteger()), fc.float({ noNaN: true }), fc.string({ unit: 'grapheme' }), fc.uint8Array({ maxLength: 50 }), fc.array(fc.integer({ min: -1e6, max: 1e15 })),
      (ints, f, text, bytes, packed) => {
        const inner = new Writer().string(1, text);
        const w = new Writer();
        for (const i of ints) w.int(1, i);
        w.float(2, f).string(3, text).bytes(4, bytes).message(5, inner).packedInts(6, packed);
        const m = Message.decode(w.finish(), 'test');
        expect(m.ints(1, 'ints')).toEqual(ints);
        expect(Object.is(m.float(2, 'f'), Math.fround(f))).toBe(true);
        expect(m.string(3, 's')).toBe(text);
        expect(m.bytes(4, 'b')).toEqual(bytes);
        expect(m.message(5, 'inner')!.string(1, 't')).toBe(text);
        expect(m.ints(6, 'packed')).toEqual(packed);
      },
    ), { numRuns: 300 });
  });

  it('encodes UTF-8 like TextEncoder and refuses invalid UTF-8 like a fatal TextDecoder', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => {
      expect(utf8Encode(text)).toEqual(new TextEncoder().encode(text));
    }), { numRuns: 500 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
      let expected: string | undefined;
      try {
        expected = decoder.decode(bytes);
      } catch {
        expected = undefined;
      }
      expect(utf8Decode(bytes)).toBe(expected);
    }), { numRuns: 3000 });
  });

  it('says where random bytes stop making sense, and throws nothing but ProtobufError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      try {
        const m = Message.decode(bytes, 'm');
        for (const field of m.fields.keys()) {
          try {
            m.messages(field, 'f');
          } catch (e) {
            expect(e).toBeInstanceOf(ProtobufError);
          }
        }
      } catch (e) {
        expect(e).toBeInstanceOf(ProtobufError);
        expect((e as Error).message).toMatch(/^m: .* at byte \d+ of \d+$/);
      }
    }), { numRuns: 1000 });
  });

  it('refuses a length running past the end, naming the byte', () => {
    expect(() => Message.decode(new Uint8Array([0x0a, 0x05, 1, 2]), 'model')).toThrow('model: a field of 5 bytes is longer than the data left at byte 2 of 4');
  });
});
