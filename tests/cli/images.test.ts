import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli, type Io } from '../../src/cli/commands';
import { decodePng } from '../../src/cli/png';
import { serializeDocument } from '../../src/core/serialize';
import { findTemplate } from '../../src/core/templates';

/** A grey 8-bit PNG of the given levels (row filter 0 on even rows, 1 "sub" on odd rows, to exercise both). */
function greyPng(width: number, height: number, level: (x: number, y: number) => number): Uint8Array {
  const raw: number[] = [];
  for (let y = 0; y < height; y++) {
    const filter = y % 2;
    raw.push(filter);
    let prev = 0;
    for (let x = 0; x < width; x++) {
      const v = level(x, y);
      raw.push(filter === 1 ? (v - prev + 256) & 255 : v);
      prev = v;
    }
  }
  const chunk = (type: string, body: Uint8Array) => {
    const out = Buffer.alloc(12 + body.length);
    out.writeUInt32BE(body.length, 0);
    out.write(type, 4, 'ascii');
    Buffer.from(body).copy(out, 8);
    return out; // the CRC is not checked by the reader
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  return Uint8Array.from(Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.from(raw))), chunk('IEND', new Uint8Array(0))]));
}

function run(argv: string[], text: Record<string, string>, bytes: Record<string, Uint8Array> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    readText: (p) => {
      if (p in text) return text[p]!;
      throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
    },
    readBytes: (p) => {
      if (p in bytes) return bytes[p]!;
      throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
    },
    writeText: () => {},
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  };
  let code: number;
  try {
    code = runCli(argv, io);
  } catch (e) {
    throw new Error(`${String(e)}\n${err.join('\n')}`, { cause: e });
  }
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const cnn = serializeDocument(findTemplate('digits-cnn')!.build());
const level = (x: number, y: number) => (x * 7 + y * 3) % 256;

describe('PNG reader', () => {
  it('reads grey levels through the none and sub row filters', () => {
    const img = decodePng(greyPng(5, 4, level));
    expect([img.width, img.height]).toEqual([5, 4]);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 5; x++) expect(img.rgb[(y * 5 + x) * 3]).toBeCloseTo(level(x, y) / 255, 6);
  });

  it('refuses what is not a PNG', () => {
    expect(() => decodePng(Uint8Array.from([1, 2, 3]))).toThrow(/not a PNG/);
  });
});

describe('netwright forward --image and info on an image network', () => {
  it('runs a 28×28 PNG through the CNN template the same as the same pixels given with --input', () => {
    const png = greyPng(28, 28, level);
    const pixels = Array.from({ length: 784 }, (_, k) => level(k % 28, Math.floor(k / 28)) / 255);
    const a = run(['forward', 'cnn.netwright', '--image', 'd.png', '--json'], { 'cnn.netwright': cnn }, { 'd.png': png });
    const b = run(['forward', 'cnn.netwright', '--input', pixels.join(','), '--json'], { 'cnn.netwright': cnn });
    expect(a.code).toBe(0);
    const outA = JSON.parse(a.stdout)[0].output as number[];
    const outB = JSON.parse(b.stdout)[0].output as number[];
    expect(outA).toHaveLength(10);
    outA.forEach((v, i) => expect(v).toBeCloseTo(outB[i]!, 6));
    const inverted = JSON.parse(run(['forward', 'cnn.netwright', '--image', 'd.png', '--invert', '--json'], { 'cnn.netwright': cnn }, { 'd.png': png }).stdout)[0].input as number[];
    expect(inverted[1]).toBeCloseTo(1 - pixels[1]!, 6);
  });

  it('refuses a PNG of the wrong size, naming both sizes', () => {
    const r = run(['forward', 'cnn.netwright', '--image', 'd.png'], { 'cnn.netwright': cnn }, { 'd.png': greyPng(20, 28, level) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/20×28 pixels; the Input takes 28×28/);
  });

  it('takes a CSV row as an image', () => {
    const row = Array.from({ length: 784 }, (_, k) => (k % 5) / 5).join(',');
    const r = run(['forward', 'cnn.netwright', '--image', 'd.csv', '--json'], { 'cnn.netwright': cnn, 'd.csv': `${row}\n` });
    expect(JSON.parse(r.stdout)[0].input).toHaveLength(784);
  });

  it('info lists each node with its shape', () => {
    const r = run(['info', 'cnn.netwright'], { 'cnn.netwright': cnn });
    expect(r.stdout).toMatch(/image \(input\) \[28×28×1\]/);
    expect(r.stdout).toMatch(/conv1 \(conv2d\) \[26×26×8\]/);
    expect(r.stdout).toMatch(/pool2 \(maxPool2d\) \[5×5×16\]/);
    expect(r.stdout).toMatch(/flatten \(flatten\) 400/);
    const json = JSON.parse(run(['info', 'cnn.netwright', '--json'], { 'cnn.netwright': cnn }).stdout);
    expect(json.shapes.conv2).toEqual([11, 11, 16]);
  });
});
