import { describe, expect, it } from 'vitest';
import { importWeights } from '../../../src/core/exchange/importWeights';
import { weightsJson } from '../../../src/core/export';
import { findTemplate } from '../../../src/core/templates';

const doc = findTemplate('worked-example')!.build();
const weights = () => {
  const made = weightsJson(doc);
  if (!made.ok) throw new Error(made.message);
  return made.value;
};

describe('imported weights say how far they were trained', () => {
  it('carries the step the file gives', () => {
    const imported = importWeights(doc, JSON.stringify({ ...weights(), step: 80 }));
    expect(imported.ok && imported.step).toBe(80);
  });

  it('gives no step when the file has none', () => {
    const imported = importWeights(doc, JSON.stringify(weights()));
    expect(imported.ok).toBe(true);
    expect(imported.ok && 'step' in imported).toBe(false);
  });

  it.each([[-1], [2.5], ['80']])('refuses the step %j with its place', (step) => {
    const imported = importWeights(doc, JSON.stringify({ ...weights(), step }));
    expect(imported.ok).toBe(false);
    expect(!imported.ok && imported.message).toMatch(/^The weights file is not Netwright's weights JSON: step: /);
  });
});
