/**
 * Saving very large weights (issue 11 item 5): a network beyond what a file holds is refused up front with the figure
 * (never "Invalid string length" from deep inside the writer), and one at the limit saves and loads.
 */
import { describe, expect, it } from 'vitest';
import { MAX_FILE_PARAMETERS } from '../../src/core/limits';
import { createRng } from '../../src/core/random';
import { trySerializeDocument } from '../../src/core/serialize';
import { build, node } from './helpers/build';

/** Input of `rows` features → Dense of `units` units, with every weight set. */
function wide(rows: number, units: number) {
  const doc = build([
    node('input', 'x', { features: Array.from({ length: rows }, (_, i) => `f${i}`) }),
    node('dense', 'h', { units, activation: 'linear', useBias: false }),
    node('output', 'out', { loss: 'mse', targets: Array.from({ length: units }, (_, i) => `y${i}`) }),
  ], [['x', 'h'], ['h', 'out']]);
  doc.edges[0]!.weights = new Array<number>(rows * units).fill(Math.fround(-0.123456789));
  return doc;
}

describe('saving very large weights', () => {
  it(`refuses a network of more than ${MAX_FILE_PARAMETERS.toLocaleString('en-US')} weights with the figure`, () => {
    const side = Math.ceil(Math.sqrt(MAX_FILE_PARAMETERS + 1));
    expect(trySerializeDocument(wide(side, side))).toEqual({
      ok: false,
      message: `Cannot save: this network has ${(side * side).toLocaleString('en-US')} weights and biases; a Netwright file holds at most 8,000,000 (files are at most 256 MB). Make the network smaller.`,
    });
  });

  it('writes any float32 weight in at most 25 characters, so the limit\'s weights fit in 256 MB with room for the rest', () => {
    const bits = new Uint32Array(1);
    const f = new Float32Array(bits.buffer);
    const rng = createRng(11);
    let longest = 0;
    for (let k = 0; k < 200_000; k++) {
      bits[0] = Math.floor(rng.next() * 2 ** 32);
      if (Number.isFinite(f[0])) longest = Math.max(longest, String(f[0]).length);
    }
    expect(longest).toBeLessThanOrEqual(25);
    // 25 characters and ", " between values
    expect(MAX_FILE_PARAMETERS * 27).toBeLessThan(256 * 1024 * 1024 - 16 * 1024 * 1024);
  });

  it('saves a million weights of the longest form in 26 characters each (a long list has no space after its commas)', () => {
    const doc = wide(1000, 1000);
    doc.edges[0]!.weights!.fill(Math.fround(-0.0000012345678));
    const saved = trySerializeDocument(doc);
    if (!saved.ok) throw new Error(saved.message);
    expect(String(Math.fround(-0.0000012345678)).length).toBe(25);
    expect(saved.text.length).toBeLessThan(1000 * 1000 * 26 + 100_000);
    expect(saved.text.length).toBeGreaterThan(1000 * 1000 * 26);
    const v = String(Math.fround(-0.0000012345678));
    expect(saved.text).toContain(`[${v},${v},`);
  });
});
