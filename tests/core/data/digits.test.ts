import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_DATASETS, loadDataset, prepareDataset } from '../../../src/core/data';
import { decodeBase64, decodeDigits, loadDigits, makeDigits, type Digits } from '../../../src/core/data/digits';
import type { DataReference } from '../../../src/core/document';

const mnistDir = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
let digits: Digits;

beforeAll(async () => {
  digits = await loadDigits();
}, 60_000);

const ref = (seed: number, trainRatio = 0.8): DataReference => ({ kind: 'builtin', name: 'digits', noise: 0, trainRatio, seed });

describe('the digits asset', () => {
  it('holds the 10,000 digits of the mnist 1.1.0 package, every pixel as round(v·255)', () => {
    expect(JSON.parse(readFileSync(join(mnistDir, 'package.json'), 'utf8')).version).toBe('1.1.0');
    expect(digits.n).toBe(10_000);
    let at = 0;
    for (let d = 0; d < 10; d++) {
      const { data } = JSON.parse(readFileSync(join(mnistDir, 'src', 'digits', `${d}.json`), 'utf8')) as { data: number[] };
      const count = data.length / 784;
      for (let i = 0; i < count; i++, at++) {
        expect(digits.labels[at]).toBe(d);
        // Every pixel of every 97th image, and the first and last image of each class.
        if (i % 97 !== 0 && i !== count - 1) continue;
        const want = data.slice(i * 784, (i + 1) * 784).map((v) => Math.round(v * 255));
        expect(Array.from(digits.pixels.subarray(at * 784, (at + 1) * 784)), `digit ${d} #${i}`).toEqual(want);
      }
    }
    expect(at).toBe(10_000);
  });

  it('refuses a damaged asset in words', () => {
    expect(() => decodeDigits(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/NWD1/);
    const truncated = Uint8Array.from([0x4e, 0x57, 0x44, 0x31, 1, 0, 0, 0, 3, 200, 10]);
    expect(() => decodeDigits(truncated)).toThrow(/image 1/);
    expect(() => decodeBase64('ab$d')).toThrow(/base64/);
  });
});

describe('the digits data set', () => {
  it('is registered as a built-in image set of shape [28, 28, 1] with classes 0…9', () => {
    const info = BUILTIN_DATASETS.find((d) => d.id === 'digits')!;
    expect(info.kind).toBe('image');
    expect(info.imageShape).toEqual([28, 28, 1]);
    expect(info.features).toHaveLength(784);
    expect(info.targets).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('splits by seed, stratified by digit: same seed same split, another seed another', async () => {
    await prepareDataset(ref(1));
    const a = loadDataset(ref(1));
    const b = loadDataset(ref(1));
    const c = loadDataset(ref(2));
    if (!a.ok || !b.ok || !c.ok) throw new Error('not loaded');
    expect(a.dataset.train.n).toBe(8000);
    expect(a.dataset.test.n).toBe(2000);
    expect(Array.from(a.dataset.test.x.subarray(0, 784 * 3))).toEqual(Array.from(b.dataset.test.x.subarray(0, 784 * 3)));
    expect(Array.from(a.dataset.test.x.subarray(0, 784 * 3))).not.toEqual(Array.from(c.dataset.test.x.subarray(0, 784 * 3)));
    // Each class keeps its share in the test split (within one example of 20 %).
    const perClass = new Array<number>(10).fill(0);
    for (let r = 0; r < a.dataset.test.n; r++) perClass[a.dataset.test.y.subarray(r * 10, r * 10 + 10).indexOf(1)]++;
    const totals = new Array<number>(10).fill(0);
    for (const l of digits.labels) totals[l]++;
    perClass.forEach((n, d) => expect(Math.abs(n - totals[d]! * 0.2)).toBeLessThanOrEqual(1));
    // Pixels are 0…1 and one-hot targets sum to 1.
    expect(Math.max(...a.dataset.train.x.subarray(0, 784 * 10))).toBeLessThanOrEqual(1);
    expect(a.dataset.train.y.subarray(0, 10).reduce((s, v) => s + v, 0)).toBe(1);
  });

  it('refuses a bad train ratio with the reason', () => {
    const made = makeDigits(digits, { trainRatio: 0, seed: 1 });
    expect(made.ok).toBe(false);
    if (!made.ok) expect(made.message).toMatch(/train ratio/);
  });
});
