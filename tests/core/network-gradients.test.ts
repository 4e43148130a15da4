/**
 * Finite-difference gradient checks: the analytic gradient of every parameter against central differences computed in
 * float64 on the float32 network. With h = 1e-2·max(1, |w|) the truncation error is O(h²) and the float32 rounding of
 * the loss contributes ~1e-7·L/h, so atol 1e-4 and rtol 1e-2 are tight enough to catch any wrong derivative.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES, type ActivationName, type LossName } from '../../src/core/document';
import {
  activationNode, add, compileOrThrow, concat, dense, doc, dropout, edge, gradCheck, input, mlp, names, neuron, output, randomBatch,
} from './nn-helpers';
import { KERNEL_MODES, useDefaultKernels, useKernelMode } from './helpers/kernel-modes';

const EPS = 1e-2;
const ATOL = 1e-4;
const RTOL = 1e-2;

const elementwise = ACTIVATION_NAMES.filter((a) => a !== 'softmax');
const shapes: { inputs: number; hidden: number[]; batch: number }[] = [
  { inputs: 1, hidden: [1], batch: 1 },
  { inputs: 3, hidden: [5], batch: 4 },
  { inputs: 2, hidden: [7, 3], batch: 6 },
];

/** Kinked activations (relu, leakyRelu) need the check points away from the kink: the seeds below are such points. */
const kinked = (a: ActivationName) => a === 'relu' || a === 'leakyRelu';

for (const mode of KERNEL_MODES) {
  describe(`with the ${mode.name}`, () => {
    beforeAll(() => useKernelMode(mode));
    afterAll(() => useDefaultKernels());

    describe('dense networks match finite differences', () => {
      for (const activation of elementwise) {
        for (const shape of shapes) {
          it(`hidden activation=${activation} inputs=${shape.inputs} hidden=[${shape.hidden}] batch=${shape.batch} with mse`, () => {
            const d = mlp(shape.inputs, [...shape.hidden.map((units) => ({ units, activation })), { units: 2, activation: 'linear' }], 'mse', 3);
            const net = compileOrThrow(d);
            const { x, y } = randomBatch(net, shape.batch, 'mse', 11);
            const r = gradCheck(net, x, y, shape.batch, kinked(activation) ? 1e-3 : EPS, ATOL, RTOL);
            expect(r.worst, JSON.stringify(r)).toBeLessThanOrEqual(1);
          });
        }
      }
    });

    describe('every loss matches finite differences', () => {
      const cases: { loss: LossName; last: ActivationName; units: number }[] = [
        { loss: 'mse', last: 'linear', units: 3 },
        { loss: 'mse', last: 'sigmoid', units: 1 },
        { loss: 'binaryCrossEntropy', last: 'sigmoid', units: 1 },
        { loss: 'softmaxCrossEntropy', last: 'softmax', units: 4 },
      ];
      for (const c of cases) {
        for (const batch of [1, 5]) {
          it(`loss=${c.loss} after ${c.last} units=${c.units} batch=${batch}`, () => {
            const net = compileOrThrow(mlp(3, [{ units: 4, activation: 'tanh' }, { units: c.units, activation: c.last }], c.loss, 5));
            const { x, y } = randomBatch(net, batch, c.loss, 21 + batch);
            const r = gradCheck(net, x, y, batch, EPS, ATOL, RTOL);
            expect(r.worst, JSON.stringify(r)).toBeLessThanOrEqual(1);
          });
        }
      }

      it('binary cross-entropy on probabilities that do not come from a sigmoid (through Dropout at rate 0, unfused)', () => {
        const d = doc(
          [input('in', names('f', 2)), dense('h', 1, 'sigmoid'), dropout('drop', 0), output('out', 'binaryCrossEntropy', ['t0'])],
          [edge('in', 'h'), edge('h', 'drop'), edge('drop', 'out')],
        );
        const net = compileOrThrow(d);
        expect(net.fused).toBe(false);
        const { x, y } = randomBatch(net, 4, 'binaryCrossEntropy', 2);
        const r = gradCheck(net, x, y, 4, EPS, ATOL, RTOL);
        expect(r.worst, JSON.stringify(r)).toBeLessThanOrEqual(1);
      });
    });

    describe('every node type matches finite differences', () => {
      it('neuron-level network (scalar inputs, neurons, several weighted inputs into each neuron)', () => {
        const d = doc(
          [input('x1', ['f0']), input('x2', ['f1']), neuron('h1', 'tanh', 0.1), neuron('h2', 'sigmoid', -0.2), neuron('h3', 'elu', 0.3), neuron('o', 'linear'), output('out', 'mse', ['t0'])],
          [edge('x1', 'h1'), edge('x2', 'h1'), edge('x1', 'h2'), edge('x2', 'h2'), edge('h1', 'h3'), edge('h2', 'h3'), edge('x1', 'h3'), edge('h1', 'o'), edge('h2', 'o'), edge('h3', 'o'), edge('o', 'out')],
        );
        const net = compileOrThrow(d);
        const { x, y } = randomBatch(net, 3, 'mse', 4);
        expect(gradCheck(net, x, y, 3, EPS, ATOL, RTOL).worst).toBeLessThanOrEqual(1);
      });

      it('Add of two dense layers, then an Activation node', () => {
        const d = doc(
          [input('in', names('f', 3)), dense('a', 4, 'tanh'), dense('b', 4, 'gelu'), add('sum'), activationNode('act', 'sine'), dense('o', 2, 'linear'), output('out', 'mse', names('t', 2))],
          [edge('in', 'a'), edge('in', 'b'), edge('a', 'sum'), edge('b', 'sum'), edge('sum', 'act'), edge('act', 'o'), edge('o', 'out')],
        );
        const net = compileOrThrow(d);
        const { x, y } = randomBatch(net, 5, 'mse', 8);
        expect(gradCheck(net, x, y, 5, EPS, ATOL, RTOL).worst).toBeLessThanOrEqual(1);
      });

      it('Concat of a neuron and a dense layer in edge order, into a softmax output (mixed levels)', () => {
        const d = doc(
          [input('in', names('f', 2)), neuron('n', 'tanh', 0.2), dense('l', 3, 'elu'), concat('cat'), dense('o', 3, 'softmax'), output('out', 'softmaxCrossEntropy', names('t', 3))],
          [edge('in', 'n'), edge('in', 'l'), edge('l', 'cat', undefined, 0), edge('n', 'cat', undefined, 1), edge('cat', 'o'), edge('o', 'out')],
        );
        const net = compileOrThrow(d);
        const { x, y } = randomBatch(net, 4, 'softmaxCrossEntropy', 9);
        expect(gradCheck(net, x, y, 4, EPS, ATOL, RTOL).worst).toBeLessThanOrEqual(1);
      });

      it('Dropout while training, with the mask held fixed by its seed', () => {
        const d = doc(
          [input('in', names('f', 3)), dense('h', 8, 'tanh'), dropout('drop', 0.4), dense('o', 1, 'sigmoid'), output('out', 'binaryCrossEntropy', ['t0'])],
          [edge('in', 'h'), edge('h', 'drop'), edge('drop', 'o'), edge('o', 'out')],
        );
        const net = compileOrThrow(d);
        const { x, y } = randomBatch(net, 4, 'binaryCrossEntropy', 10);
        expect(gradCheck(net, x, y, 4, EPS, ATOL, RTOL, 77).worst).toBeLessThanOrEqual(1);
      });

      it('an Activation node of softmax before a softmax cross-entropy output (fused through the Activation node)', () => {
        const d = doc(
          [input('in', names('f', 2)), dense('h', 3, 'linear'), activationNode('sm', 'softmax'), output('out', 'softmaxCrossEntropy', names('t', 3))],
          [edge('in', 'h'), edge('h', 'sm'), edge('sm', 'out')],
        );
        const net = compileOrThrow(d);
        expect(net.fused).toBe(true);
        const { x, y } = randomBatch(net, 3, 'softmaxCrossEntropy', 12);
        expect(gradCheck(net, x, y, 3, EPS, ATOL, RTOL).worst).toBeLessThanOrEqual(1);
      });

      it('a dense layer without biases', () => {
        const d = doc(
          [input('in', names('f', 3)), dense('h', 4, 'tanh', { useBias: false }), dense('o', 1, 'linear'), output('out', 'mse', ['t0'])],
          [edge('in', 'h'), edge('h', 'o'), edge('o', 'out')],
        );
        const net = compileOrThrow(d);
        expect(net.layout.biases.h).toBeUndefined();
        const { x, y } = randomBatch(net, 3, 'mse', 13);
        expect(gradCheck(net, x, y, 3, EPS, ATOL, RTOL).worst).toBeLessThanOrEqual(1);
      });
    });

    describe('the gradient check has teeth', () => {
      it('fails with a step of 1e-7, too small for float32', () => {
        const net = compileOrThrow(mlp(3, [{ units: 5, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], 'binaryCrossEntropy', 2));
        const { x, y } = randomBatch(net, 4, 'binaryCrossEntropy', 3);
        expect(gradCheck(net, x, y, 4, EPS, ATOL, RTOL).worst).toBeLessThanOrEqual(1);
        expect(gradCheck(net, x, y, 4, 1e-7, ATOL, RTOL).worst).toBeGreaterThan(1);
      });

      it('fails when one gradient is wrong', () => {
        const net = compileOrThrow(mlp(2, [{ units: 3, activation: 'tanh' }, { units: 1, activation: 'linear' }], 'mse', 2));
        const { x, y } = randomBatch(net, 4, 'mse', 3);
        const backward = net.backward.bind(net);
        // Corrupt one weight gradient by 5% after each backward: the check must notice.
        (net as { backward: typeof net.backward }).backward = (yy, b) => {
          backward(yy, b);
          net.grads[1] = net.grads[1]! * 1.05;
        };
        expect(gradCheck(net, x, y, 4, EPS, ATOL, RTOL).worst).toBeGreaterThan(1);
      });
    });

    describe('random dense shapes (fast-check, fixed seed)', () => {
      const smooth = ACTIVATION_NAMES.filter((a) => a !== 'softmax' && a !== 'relu' && a !== 'leakyRelu');
      const layerArb = fc.record({ units: fc.integer({ min: 1, max: 6 }), activation: fc.constantFrom(...smooth) });
      const caseArb = fc.record({
        inputs: fc.integer({ min: 1, max: 5 }),
        hidden: fc.array(layerArb, { minLength: 0, maxLength: 3 }),
        head: fc.constantFrom<{ loss: LossName; activation: ActivationName; units: number }>(
          { loss: 'mse', activation: 'linear', units: 2 },
          { loss: 'binaryCrossEntropy', activation: 'sigmoid', units: 1 },
          { loss: 'softmaxCrossEntropy', activation: 'softmax', units: 3 },
        ),
        batch: fc.integer({ min: 1, max: 9 }),
        seed: fc.integer({ min: 1, max: 1000 }),
      });
      it('every parameter gradient matches central differences', () => {
        fc.assert(
          fc.property(caseArb, (c) => {
            const net = compileOrThrow(mlp(c.inputs, [...c.hidden, { units: c.head.units, activation: c.head.activation }], c.head.loss, c.seed));
            const { x, y } = randomBatch(net, c.batch, c.head.loss, c.seed + 1);
            return gradCheck(net, x, y, c.batch, EPS, ATOL, RTOL).worst <= 1;
          }),
          { seed: 20261129, numRuns: 60 },
        );
      });
    });
  });
}
