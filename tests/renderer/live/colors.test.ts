import { describe, expect, it } from 'vitest';
import {
  MAX_EDGE_WIDTH, MIN_EDGE_OPACITY, MIN_EDGE_WIDTH, NEGATIVE_RGB, POSITIVE_RGB, PULSE_LEVELS, divergingRgba, magnitude, pulseLevel, weightColor,
} from '../../../src/renderer/live/colors';

const rgbOf = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

describe('weightColor', () => {
  it('gives positive weights the blue end and negative weights the orange end at full scale', () => {
    expect(rgbOf(weightColor(2, 2).stroke)).toEqual([...POSITIVE_RGB]);
    expect(rgbOf(weightColor(-2, 2).stroke)).toEqual([...NEGATIVE_RGB]);
  });

  it('keeps the two hues apart for colour-blind viewers: blue dominates one end, red-orange the other (not red/green)', () => {
    const [pr, , pb] = rgbOf(weightColor(1, 1).stroke);
    const [nr, ng, nb] = rgbOf(weightColor(-1, 1).stroke);
    expect(pb).toBeGreaterThan(pr! + 100);
    expect(nr).toBeGreaterThan(nb! + 100);
    // Not a green: orange's green channel sits between its red and blue.
    expect(ng).toBeLessThan(nr!);
  });

  it('grows width and opacity with |w| / scale, the same for both signs', () => {
    const looks = [0, 0.25, 0.5, 1].map((w) => weightColor(w, 1));
    for (let i = 1; i < looks.length; i++) {
      expect(looks[i]!.width).toBeGreaterThan(looks[i - 1]!.width);
      expect(looks[i]!.opacity).toBeGreaterThan(looks[i - 1]!.opacity);
    }
    expect(looks[0]).toMatchObject({ width: MIN_EDGE_WIDTH, opacity: MIN_EDGE_OPACITY });
    expect(looks[3]).toMatchObject({ width: MAX_EDGE_WIDTH, opacity: 1 });
    expect(weightColor(-0.5, 1).width).toBe(weightColor(0.5, 1).width);
  });

  it('clamps weights beyond the scale and survives a zero or non-finite scale', () => {
    expect(weightColor(10, 1)).toEqual(weightColor(1, 1));
    expect(magnitude(3, 0)).toBe(0);
    expect(magnitude(Number.NaN, 1)).toBe(0);
    expect(weightColor(1, Number.NaN).width).toBe(MIN_EDGE_WIDTH);
  });

  it('quantises, so a change far below 1/32 of the scale gives the same look', () => {
    expect(weightColor(0.5, 1)).toEqual(weightColor(0.5004, 1));
    expect(weightColor(0.5, 1)).not.toEqual(weightColor(0.6, 1));
  });
});

describe('pulseLevel', () => {
  it('is 0 without a gradient and PULSE_LEVELS for the largest', () => {
    expect(pulseLevel(0, 1)).toBe(0);
    expect(pulseLevel(0.3, 0)).toBe(0);
    expect(pulseLevel(2, 2)).toBe(PULSE_LEVELS);
  });

  it('still shows a gradient 1e-4 of the largest, dimly', () => {
    expect(pulseLevel(1e-4, 1)).toBe(1);
    expect(pulseLevel(0.25, 1)).toBe(PULSE_LEVELS / 2);
  });
});

describe('divergingRgba', () => {
  it('maps −1, 0, 1 to orange, near white, blue, opaque', () => {
    const out = new Uint8ClampedArray(12);
    divergingRgba(-1, out, 0);
    divergingRgba(0, out, 4);
    divergingRgba(1, out, 8);
    expect([...out.slice(0, 3)]).toEqual([...NEGATIVE_RGB]);
    expect(Math.min(...out.slice(4, 7))).toBeGreaterThan(240);
    expect([...out.slice(8, 11)]).toEqual([...POSITIVE_RGB]);
    expect([out[3], out[7], out[11]]).toEqual([255, 255, 255]);
  });

  it('treats NaN as 0 and clamps beyond ±1', () => {
    const a = new Uint8ClampedArray(4);
    const b = new Uint8ClampedArray(4);
    divergingRgba(Number.NaN, a, 0);
    divergingRgba(0, b, 0);
    expect(a).toEqual(b);
    divergingRgba(5, a, 0);
    divergingRgba(1, b, 0);
    expect(a).toEqual(b);
  });
});
