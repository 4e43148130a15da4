/**
 * A file's raw text, checked before anything reads its meaning, for every kind of file alike:
 *
 * - `decodeUtf8`: bytes → text, refusing invalid UTF-8 with the byte offset (no silent U+FFFD that a save would keep).
 * - `scanJson`: one linear pass over JSON text that finds a syntax error (one line: "line 3, column 14: …", never the
 *   file's text) and duplicate keys (with their path, e.g. `nodes[2].bias`), which JSON.parse lets the last one win.
 * - `unknownKeys`: keys in the raw value that a schema dropped (zod strips keys it does not know), by path.
 * - `float32Problem`: the first number beyond float32 range (training and ONNX hold weights as float32), by path.
 *
 * All of them are iterative (files may nest deeply) and linear in the size of the input.
 */
import { formatPath } from './schema';

/** The largest finite float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

export type DecodeResult = { ok: true; text: string } | { ok: false; offset: number; message: string };

/** The byte offset of the first byte that is not part of valid UTF-8, or -1. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

interface Utf8Decoder { decode(bytes: Uint8Array): string }
const TextDecoderCtor = (globalThis as unknown as { TextDecoder?: new (label: string, options: { fatal: boolean; ignoreBOM: boolean }) => Utf8Decoder }).TextDecoder;

/** A file's bytes as text. Invalid UTF-8 is refused with the offset of its first bad byte; a leading BOM is dropped. */
export function decodeUtf8(bytes: Uint8Array): DecodeResult {
  const offset = invalidUtf8Offset(bytes);
  if (offset >= 0) {
    return { ok: false, offset, message: `This file is not valid UTF-8 text: the byte at offset ${offset} (0x${bytes[offset]!.toString(16).padStart(2, '0')}) does not belong to a UTF-8 character. Re-save it as UTF-8.` };
  }
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = start === 0 ? bytes : bytes.subarray(start);
  if (TextDecoderCtor) return { ok: true, text: new TextDecoderCtor('utf-8', { fatal: true, ignoreBOM: true }).decode(body) };
  // No TextDecoder (not expected in Node or a browser): decode by hand, in chunks.
  let text = '';
  const codes: number[] = [];
  for (let i = 0; i < body.length;) {
    const b = body[i]!;
    let cp: number;
    if (b < 0x80) {
      cp = b;
      i += 1;
    } else if (b < 0xe0) {
      cp = ((b & 0x1f) << 6) | (body[i + 1]! & 0x3f);
      i += 2;
    } else if (b < 0xf0) {
      cp = ((b & 0x0f) << 12) | ((body[i + 1]! & 0x3f) << 6) | (body[i + 2]! & 0x3f);
      i += 3;
    } else {
      cp = ((b & 0x07) << 18) | ((body[i + 1]! & 0x3f) << 12) | ((body[i + 2]! & 0x3f) << 6) | (body[i + 3]! & 0x3f);
      i += 4;
    }
    if (cp > 0xffff) codes.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    else codes.push(cp);
    if (codes.length > 8192) text += String.fromCharCode(...codes.splice(0));
  }
  return { ok: true, text: text + String.fromCharCode(...codes) };
}

export type ScanResult =
  | { ok: true }
  | { ok: false; kind: 'syntax' | 'duplicate-key'; message: string; path?: string; line: number; column: number }
  /** A top-level list longer than `maxItems` allows: the scan stops there, so a huge file is refused at once. */
  | { ok: false; kind: 'too-many'; key: string; count: number; message: string; line: number; column: number };

/** Text of one character for a message: printable ASCII as itself, anything else as U+XXXX. */
function showChar(code: number | undefined): string {
  if (code === undefined) return 'the end of the file';
  if (code > 0x20 && code < 0x7f) return `"${String.fromCharCode(code)}"`;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

interface Frame {
  kind: 'object' | 'array';
  /** object: keys seen so far; array: unused */
  keys: Set<string> | undefined;
  /** the key or index this frame's current child sits at */
  at: string | number;
  /** the key or index this frame itself sits at in its parent */
  self: string | number | undefined;
}

/**
 * Check JSON syntax and duplicate keys in one pass. Accepts exactly what JSON.parse accepts (RFC 8259), so after `ok`
 * JSON.parse cannot fail on syntax. Positions are 1-based lines and columns (in UTF-16 code units, as editors count).
 */
export function scanJson(text: string, maxItems: Readonly<Record<string, number>> = {}): ScanResult {
  const n = text.length;
  let i = 0;
  const stack: Frame[] = [];
  const fail = (message: string, at = i): ScanResult => {
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < at && k < n; k++) {
      if (text.charCodeAt(k) === 10) {
        line++;
        lineStart = k + 1;
      }
    }
    const column = at - lineStart + 1;
    return { ok: false, kind: 'syntax', line, column, message: `This file is not valid JSON: line ${line}, column ${column}: ${message}.` };
  };
  const skipWs = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  /** Reads a string at i (which is at '"'); returns its value when `keep`, else ''; undefined after a failure. */
  let failure: ScanResult | undefined;
  /** The first duplicate key; the scan goes on, so a syntax error later in the file is still the one reported. */
  let duplicate: ScanResult | undefined;
  const readString = (keep: boolean): string | undefined => {
    const start = i;
    i++;
    let out = '';
    let runStart = i;
    while (true) {
      if (i >= n) {
        failure = fail('a string is not closed (missing ")', start);
        return undefined;
      }
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        if (keep) out += text.slice(runStart, i);
        i++;
        return out;
      }
      if (c < 0x20) {
        failure = fail(`a control character (${showChar(c)}) inside a string must be escaped`);
        return undefined;
      }
      if (c === 0x5c) {
        if (keep) out += text.slice(runStart, i);
        const e = text.charCodeAt(i + 1);
        if (e === 0x75) {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            failure = fail('"\\u" must be followed by four hex digits');
            return undefined;
          }
          if (keep) out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else {
          const simple: Record<number, string> = { 0x22: '"', 0x5c: '\\', 0x2f: '/', 0x62: '\b', 0x66: '\f', 0x6e: '\n', 0x72: '\r', 0x74: '\t' };
          const v = simple[e];
          if (v === undefined) {
            failure = fail(`"\\${Number.isNaN(e) ? '' : String.fromCharCode(e)}" is not a JSON escape`);
            return undefined;
          }
          if (keep) out += v;
          i += 2;
        }
        runStart = i;
        continue;
      }
      i++;
    }
  };
  const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
  const readNumber = (): boolean => {
    const start = i;
    if (text.charCodeAt(i) === 0x2d) i++;
    const c = text.charCodeAt(i);
    if (c === 0x30) i++;
    else if (c >= 0x31 && c <= 0x39) while (isDigit(text.charCodeAt(i))) i++;
    else {
      failure = fail(`expected a digit after "-", found ${showChar(i < n ? c : undefined)}`);
      return false;
    }
    if (text.charCodeAt(i) === 0x2e) {
      i++;
      if (!isDigit(text.charCodeAt(i))) {
        failure = fail('expected a digit after the decimal point');
        return false;
      }
      while (isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const s = text.charCodeAt(i);
      if (s === 0x2b || s === 0x2d) i++;
      if (!isDigit(text.charCodeAt(i))) {
        failure = fail('expected a digit in the exponent');
        return false;
      }
      while (isDigit(text.charCodeAt(i))) i++;
    }
    return i > start;
  };
  const pathHere = (last: string | number): string => {
    const keys: (string | number)[] = [];
    for (let k = 1; k < stack.length; k++) keys.push(stack[k]!.self!);
    keys.push(last);
    return formatPath(keys);
  };

  // The state machine: expecting a value; after a value, a ',' or a closing bracket of the container.
  skipWs();
  let expectValue = true;
  while (true) {
    if (expectValue) {
      skipWs();
      const c = i < n ? text.charCodeAt(i) : undefined;
      if (c === 0x7b || c === 0x5b) {
        const parent = stack[stack.length - 1];
        stack.push({ kind: c === 0x7b ? 'object' : 'array', keys: c === 0x7b ? new Set() : undefined, at: 0, self: parent?.at });
        i++;
        skipWs();
        const close = c === 0x7b ? 0x7d : 0x5d;
        if (text.charCodeAt(i) === close) {
          i++;
          stack.pop();
          expectValue = false;
          if (stack.length === 0) break;
          continue;
        }
        if (c === 0x7b) {
          const r = readKey();
          if (r) return r;
        }
        continue;
      }
      if (c === 0x22) {
        if (readString(false) === undefined) return failure!;
      } else if (c === 0x2d || (c !== undefined && isDigit(c))) {
        if (!readNumber()) return failure!;
      } else if (text.startsWith('true', i)) i += 4;
      else if (text.startsWith('false', i)) i += 5;
      else if (text.startsWith('null', i)) i += 4;
      else return fail(`expected a value, found ${showChar(c)}`);
      expectValue = false;
      if (stack.length === 0) break;
      continue;
    }
    // after a value inside a container
    skipWs();
    const top = stack[stack.length - 1]!;
    const c = i < n ? text.charCodeAt(i) : undefined;
    if (c === 0x2c) {
      i++;
      if (top.kind === 'array') {
        top.at = (top.at as number) + 1;
        expectValue = true;
        if (stack.length === 2 && typeof top.self === 'string' && Object.prototype.hasOwnProperty.call(maxItems, top.self) && top.at >= maxItems[top.self]!) {
          const r = fail('') as { line: number; column: number };
          return { ok: false, kind: 'too-many', key: top.self, count: top.at + 1, line: r.line, column: r.column, message: `"${top.self}" has more than ${maxItems[top.self]} items` };
        }
      } else {
        skipWs();
        const r = readKey();
        if (r) return r;
        expectValue = true;
      }
      continue;
    }
    if ((top.kind === 'object' && c === 0x7d) || (top.kind === 'array' && c === 0x5d)) {
      i++;
      stack.pop();
      if (stack.length === 0) break;
      continue;
    }
    return fail(`expected "," or "${top.kind === 'object' ? '}' : ']'}", found ${showChar(c)}`);
  }
  skipWs();
  if (i < n) return fail(`unexpected ${showChar(text.charCodeAt(i))} after the end of the JSON value`);
  return duplicate ?? { ok: true };

  /** At a key of the object on top: read it and its ':'; a duplicate key is refused with its path. */
  function readKey(): ScanResult | undefined {
    const top = stack[stack.length - 1]!;
    if (text.charCodeAt(i) !== 0x22) return fail(`expected a key in double quotes, found ${showChar(i < n ? text.charCodeAt(i) : undefined)}`);
    const keyAt = i;
    const key = readString(true);
    if (key === undefined) return failure!;
    if (top.keys!.has(key) && duplicate === undefined) {
      const r = fail('', keyAt) as Extract<ScanResult, { ok: false }>;
      const path = pathHere(key);
      duplicate = { ok: false, kind: 'duplicate-key', path, line: r.line, column: r.column, message: `${path}: the key "${key}" appears twice in the same object (line ${r.line}, column ${r.column}); a file must say each thing once.` };
    }
    top.keys!.add(key);
    top.at = key;
    skipWs();
    if (text.charCodeAt(i) !== 0x3a) return fail(`expected ":" after the key "${key.length > 40 ? `${key.slice(0, 40)}…` : key}", found ${showChar(i < n ? text.charCodeAt(i) : undefined)}`);
    i++;
    expectValue = true;
    return undefined;
  }
}

/**
 * Paths of keys present in `raw` but absent at the same place in `parsed` (the schema did not know them), in file order,
 * at most `limit`. Where `parsed` holds no object or array to compare with, the walk stops descending.
 */
export function unknownKeys(raw: unknown, parsed: unknown, limit = 10): string[] {
  const out: string[] = [];
  interface Item { raw: unknown; parsed: unknown; path: (string | number)[] }
  const stack: Item[] = [{ raw, parsed, path: [] }];
  while (stack.length > 0 && out.length < limit) {
    const { raw: r, parsed: p, path } = stack.pop()!;
    if (Array.isArray(r)) {
      if (!Array.isArray(p)) continue;
      for (let k = r.length - 1; k >= 0; k--) {
        const v: unknown = r[k];
        if (typeof v === 'object' && v !== null) stack.push({ raw: v, parsed: p[k], path: [...path, k] });
      }
      continue;
    }
    if (typeof r !== 'object' || r === null || typeof p !== 'object' || p === null || Array.isArray(p)) continue;
    const keys = Object.keys(r);
    const children: Item[] = [];
    for (const key of keys) {
      if (!Object.prototype.hasOwnProperty.call(p, key)) {
        out.push(formatPath([...path, key]));
        if (out.length >= limit) break;
        continue;
      }
      const v = (r as Record<string, unknown>)[key];
      if (typeof v === 'object' && v !== null) children.push({ raw: v, parsed: (p as Record<string, unknown>)[key], path: [...path, key] });
    }
    for (let k = children.length - 1; k >= 0; k--) stack.push(children[k]!);
  }
  return out;
}

/** The first number in `value` (depth-first, file order) whose magnitude is beyond float32, with its path; or undefined. */
export function float32Problem(value: unknown): { path: string; value: number } | undefined {
  interface Item { v: unknown; path: (string | number)[] | undefined; parent: Item | undefined; key: string | number | undefined }
  const pathOf = (item: Item | undefined, last: string | number): string => {
    const keys: (string | number)[] = [last];
    for (let it = item; it !== undefined && it.key !== undefined; it = it.parent) keys.push(it.key);
    return formatPath(keys.reverse());
  };
  const stack: Item[] = [{ v: value, path: undefined, parent: undefined, key: undefined }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const v = item.v;
    if (Array.isArray(v)) {
      for (let k = 0; k < v.length; k++) {
        const x: unknown = v[k];
        if (typeof x === 'number' && Math.abs(x) > FLOAT32_MAX) return { path: pathOf(item, k), value: x };
      }
      for (let k = v.length - 1; k >= 0; k--) {
        const x: unknown = v[k];
        if (typeof x === 'object' && x !== null) stack.push({ v: x, path: undefined, parent: item, key: k });
      }
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    const entries = Object.entries(v);
    for (const [k, x] of entries) {
      if (typeof x === 'number' && Math.abs(x) > FLOAT32_MAX) return { path: pathOf(item, k), value: x };
    }
    for (let k = entries.length - 1; k >= 0; k--) {
      const [key, x] = entries[k]!;
      if (typeof x === 'object' && x !== null) stack.push({ v: x, path: undefined, parent: item, key });
    }
  }
  return undefined;
}
