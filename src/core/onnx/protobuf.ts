/**
 * A minimal protocol-buffers writer and reader: just what the ONNX subset in onnx.ts needs (varints, 64-bit
 * integers as varints, fixed32 floats, length-delimited bytes/strings/messages, packed repeated fields).
 *
 * The reader never throws on bad input it can describe: every length is checked against the buffer, so random or
 * truncated bytes give a ProtobufError saying at which byte offset the message stops making sense.
 */

/** Wire types. */
export const VARINT = 0;
export const FIXED64 = 1;
export const LENGTH_DELIMITED = 2;
export const FIXED32 = 5;

export class ProtobufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufError';
  }
}

/** UTF-8 bytes of a string (the core has no TextEncoder: it runs without DOM or Node types). */
export function utf8Encode(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    let c = ch.codePointAt(0)!;
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // a lone surrogate
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** A string from UTF-8 bytes, or undefined if they are not valid UTF-8. */
export function utf8Decode(bytes: Uint8Array): string | undefined {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    let c: number;
    let n: number;
    if (b < 0x80) { c = b; n = 0; }
    else if (b >= 0xc2 && b < 0xe0) { c = b & 31; n = 1; }
    else if (b >= 0xe0 && b < 0xf0) { c = b & 15; n = 2; }
    else if (b >= 0xf0 && b < 0xf5) { c = b & 7; n = 3; }
    else return undefined;
    if (i + n >= bytes.length) return undefined;
    for (let k = 1; k <= n; k++) {
      const x = bytes[i + k]!;
      if ((x & 0xc0) !== 0x80) return undefined;
      c = (c << 6) | (x & 63);
    }
    if ((n === 2 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) || (n === 3 && (c < 0x10000 || c > 0x10ffff))) return undefined;
    out += String.fromCodePoint(c);
    i += n + 1;
  }
  return out;
}

/** Builds one message. Nested messages are written by passing another Writer's bytes to `message`. */
export class Writer {
  private chunks: Uint8Array[] = [];
  private current: number[] = [];
  private length = 0;

  private flush(): void {
    if (this.current.length > 0) {
      this.chunks.push(Uint8Array.from(this.current));
      this.current = [];
    }
  }

  private byte(b: number): void {
    this.current.push(b);
    this.length++;
  }

  private rawBytes(bytes: Uint8Array): void {
    this.flush();
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  /** An unsigned varint (up to 2^53; negative numbers as 64-bit two's complement, ten bytes, as protobuf does for int64). */
  varint(value: number): void {
    if (value < 0) {
      let big = BigInt.asUintN(64, BigInt(Math.trunc(value)));
      while (big >= 0x80n) {
        this.byte(Number(big & 0x7fn) | 0x80);
        big >>= 7n;
      }
      this.byte(Number(big));
      return;
    }
    let v = Math.trunc(value);
    while (v >= 0x80) {
      this.byte((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.byte(v);
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  int(field: number, value: number): this {
    this.tag(field, VARINT);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    for (const x of b) this.byte(x);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, LENGTH_DELIMITED);
    this.varint(value.length);
    this.rawBytes(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8Encode(value));
  }

  message(field: number, inner: Writer): this {
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated varint field (e.g. int64 dims or ints). */
  packedInts(field: number, values: readonly number[]): this {
    const inner = new Writer();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}

/** One field as read: varints as numbers (int64 beyond 2^53 loses precision, never silently: see `int`), bytes as views. */
export type FieldValue =
  | { wire: typeof VARINT; value: bigint | number }
  | Span<typeof FIXED64>
  | Span<typeof LENGTH_DELIMITED>
  | Span<typeof FIXED32>;

/** Bytes start…end of `buf`: kept as offsets, since a subarray per field is slow to make and to collect. */
export interface Span<W extends number> {
  wire: W;
  buf: Uint8Array;
  start: number;
  end: number;
}

const spanBytes = (v: Span<number>) => v.buf.subarray(v.start, v.end);

const scratch = new DataView(new ArrayBuffer(4));
function float32At(buf: Uint8Array, at: number): number {
  scratch.setUint8(0, buf[at]!);
  scratch.setUint8(1, buf[at + 1]!);
  scratch.setUint8(2, buf[at + 2]!);
  scratch.setUint8(3, buf[at + 3]!);
  return scratch.getFloat32(0, true);
}

/** Reads varints from a buffer; one shared instance, so decoding a message makes no closures. */
const cursor: { bytes: Uint8Array; at: number; start: number; end: number; where: string | (() => string) } = { bytes: new Uint8Array(0), at: 0, start: 0, end: 0, where: '' };

function whereText(w: string | (() => string)): string {
  return typeof w === 'string' ? w : w();
}

function cursorFail(what: string): never {
  throw new ProtobufError(`${whereText(cursor.where)}: ${what} at byte ${cursor.at - cursor.start} of ${cursor.end - cursor.start}`);
}

/** A varint as a number when it has at most 7 bytes (< 2^49, exact), else as a bigint: the common case makes no garbage. */
function readVarint(): bigint | number {
  const { bytes, end } = cursor;
  const first = cursor.at;
  let small = 0;
  let scale = 1;
  for (let i = 0; i < 7; i++) {
    if (cursor.at >= end) cursorFail('the data ends inside a number');
    const b = bytes[cursor.at++]!;
    small += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return small;
    scale *= 128;
  }
  cursor.at = first;
  let result = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (cursor.at >= end) cursorFail('the data ends inside a number');
    const b = bytes[cursor.at++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
    shift += 7n;
  }
  return cursorFail('a number is longer than 10 bytes');
}

/** A decoded message: every field number with its values in order. */
export class Message {
  constructor(
    readonly fields: Map<number, FieldValue[]>,
    /** Where this message sits, for error messages ("model.graph.node[3]"); made only when a message needs it. */
    private readonly whereOf: string | (() => string),
  ) {}

  get where(): string {
    return whereText(this.whereOf);
  }

  /** Decode bytes[start, end) (the whole array by default). */
  static decode(bytes: Uint8Array, where: string | (() => string), start = 0, end = bytes.length): Message {
    const fields = new Map<number, FieldValue[]>();
    const saved = { ...cursor };
    cursor.bytes = bytes;
    cursor.at = start;
    cursor.start = start;
    cursor.end = end;
    cursor.where = where;
    try {
      while (cursor.at < end) {
        const key = readVarint();
        const field = typeof key === 'number' ? Math.floor(key / 8) : Number(key >> 3n);
        const wire = typeof key === 'number' ? key % 8 : Number(key & 7n);
        if (field === 0 || field > 536_870_911) cursorFail(`field number ${field} is not valid`);
        const at = cursor.at;
        let value: FieldValue;
        switch (wire) {
          case VARINT:
            value = { wire, value: readVarint() };
            break;
          case FIXED64:
            if (at + 8 > end) cursorFail('the data ends inside an 8-byte value');
            value = { wire, buf: bytes, start: at, end: at + 8 };
            cursor.at += 8;
            break;
          case LENGTH_DELIMITED: {
            const len = readVarint();
            if (typeof len === 'bigint' || len > end - cursor.at) cursorFail(`a field of ${len} bytes is longer than the data left`);
            const n = Number(len);
            value = { wire, buf: bytes, start: cursor.at, end: cursor.at + n };
            cursor.at += n;
            break;
          }
          case FIXED32:
            if (at + 4 > end) cursorFail('the data ends inside a 4-byte value');
            value = { wire, buf: bytes, start: at, end: at + 4 };
            cursor.at += 4;
            break;
          default:
            return cursorFail(`wire type ${wire} is not valid`);
        }
        const list = fields.get(field);
        if (list) list.push(value);
        else fields.set(field, [value]);
      }
    } finally {
      Object.assign(cursor, saved);
    }
    return new Message(fields, where);
  }

  private all(field: number): FieldValue[] {
    return this.fields.get(field) ?? [];
  }

  has(field: number): boolean {
    return this.fields.has(field);
  }

  /** How many values a field has (a repeated field's length), without decoding them. */
  count(field: number): number {
    return this.fields.get(field)?.length ?? 0;
  }

  /** The last value of an integer field (protobuf's "last one wins"), as a number; `fallback` when absent. */
  int(field: number, name: string, fallback = 0): number {
    const list = this.all(field);
    if (list.length === 0) return fallback;
    const v = list[list.length - 1]!;
    if (v.wire !== VARINT) throw new ProtobufError(`${this.where}.${name}: expected an integer`);
    if (typeof v.value === 'number') return v.value;
    const signed = BigInt.asIntN(64, v.value);
    if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new ProtobufError(`${this.where}.${name}: ${signed} is too large`);
    }
    return Number(signed);
  }

  /** A repeated integer field, packed or not. */
  ints(field: number, name: string): number[] {
    const out: number[] = [];
    for (const v of this.all(field)) {
      if (v.wire === VARINT) out.push(typeof v.value === 'number' ? v.value : toSafe(BigInt.asIntN(64, v.value), `${this.where}.${name}`));
      else if (v.wire === LENGTH_DELIMITED) {
        const packed = Message.decodePackedVarints(spanBytes(v), `${this.where}.${name}`);
        for (const x of packed) out.push(x);
      } else throw new ProtobufError(`${this.where}.${name}: expected integers`);
    }
    return out;
  }

  float(field: number, name: string, fallback = 0): number {
    const list = this.all(field);
    if (list.length === 0) return fallback;
    const v = list[list.length - 1]!;
    if (v.wire !== FIXED32) throw new ProtobufError(`${this.where}.${name}: expected a float`);
    return float32At(v.buf, v.start);
  }

  /** A repeated float field, packed or not. */
  floats(field: number, name: string): number[] {
    const out: number[] = [];
    for (const v of this.all(field)) {
      if (v.wire === FIXED32) out.push(float32At(v.buf, v.start));
      else if (v.wire === LENGTH_DELIMITED) {
        const length = v.end - v.start;
        if (length % 4 !== 0) throw new ProtobufError(`${this.where}.${name}: packed floats of ${length} bytes (not a multiple of 4)`);
        const view = new DataView(v.buf.buffer, v.buf.byteOffset + v.start, length);
        for (let i = 0; i < length; i += 4) out.push(view.getFloat32(i, true));
      } else throw new ProtobufError(`${this.where}.${name}: expected floats`);
    }
    return out;
  }

  bytes(field: number, name: string): Uint8Array | undefined {
    const list = this.all(field);
    if (list.length === 0) return undefined;
    const v = list[list.length - 1]!;
    if (v.wire !== LENGTH_DELIMITED) throw new ProtobufError(`${this.where}.${name}: expected bytes`);
    return spanBytes(v);
  }

  private span(field: number, name: string): Span<typeof LENGTH_DELIMITED> | undefined {
    const list = this.all(field);
    if (list.length === 0) return undefined;
    const v = list[list.length - 1]!;
    if (v.wire !== LENGTH_DELIMITED) throw new ProtobufError(`${this.where}.${name}: expected bytes`);
    return v;
  }

  string(field: number, name: string, fallback = ''): string {
    const v = this.span(field, name);
    return v === undefined ? fallback : decodeText(v, this, name);
  }

  strings(field: number, name: string): string[] {
    return this.all(field).map((v, i) => {
      if (v.wire !== LENGTH_DELIMITED) throw new ProtobufError(`${this.where}.${name}[${i}]: expected text`);
      return decodeText(v, this, `${name}[${i}]`);
    });
  }

  message(field: number, name: string): Message | undefined {
    const v = this.span(field, name);
    return v === undefined ? undefined : Message.decode(v.buf, () => `${this.where}.${name}`, v.start, v.end);
  }

  messages(field: number, name: string): Message[] {
    return this.all(field).map((v, i) => {
      if (v.wire !== LENGTH_DELIMITED) throw new ProtobufError(`${this.where}.${name}[${i}]: expected a message`);
      return Message.decode(v.buf, () => `${this.where}.${name}[${i}]`, v.start, v.end);
    });
  }

  static decodePackedVarints(bytes: Uint8Array, where: string): number[] {
    const out: number[] = [];
    let at = 0;
    while (at < bytes.length) {
      // the common case (< 2^49) in numbers, without garbage
      const start = at;
      let small = 0;
      let scale = 1;
      let quick = false;
      for (let i = 0; i < 7 && at < bytes.length; i++) {
        const b = bytes[at++]!;
        small += (b & 0x7f) * scale;
        scale *= 128;
        if ((b & 0x80) === 0) {
          quick = true;
          break;
        }
      }
      if (quick) {
        out.push(small);
        continue;
      }
      at = start;
      let result = 0n;
      let shift = 0n;
      let done = false;
      for (let i = 0; i < 10 && at < bytes.length; i++) {
        const b = bytes[at++]!;
        result |= BigInt(b & 0x7f) << shift;
        shift += 7n;
        if ((b & 0x80) === 0) {
          done = true;
          break;
        }
      }
      if (!done) throw new ProtobufError(`${where}: a packed number is cut off`);
      out.push(toSafe(BigInt.asIntN(64, BigInt.asUintN(64, result)), where));
    }
    return out;
  }
}

function toSafe(v: bigint, where: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new ProtobufError(`${where}: ${v} is too large`);
  return Number(v);
}

function decodeText(v: Span<number>, m: Message, name: string): string {
  // ASCII (nearly every name in a model) without building the string one character at a time
  let ascii = v.end - v.start <= 1024;
  for (let i = v.start; ascii && i < v.end; i++) if (v.buf[i]! >= 0x80) ascii = false;
  if (ascii && v.end - v.start <= 32) {
    let out = '';
    for (let i = v.start; i < v.end; i++) out += String.fromCharCode(v.buf[i]!);
    return out;
  }
  if (ascii) return String.fromCharCode.apply(null, v.buf.subarray(v.start, v.end) as unknown as number[]);
  const text = utf8Decode(spanBytes(v));
  if (text === undefined) throw new ProtobufError(`${m.where}.${name}: expected UTF-8 text`);
  return text;
}
