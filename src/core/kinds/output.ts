/**
 * Output: marks its one input as the network's prediction and compares it with the target columns using a loss.
 * a = a_producer (the same buffer); the loss gives the producer's da (or dz when fused with its sigmoid/softmax).
 * Shape: its input's, which must have one value per target column. ONNX: Identity → the model output.
 *
 * Losses and activations must fit: binaryCrossEntropy needs one sigmoid value; softmaxCrossEntropy at least two
 * softmax values. "Fed by" looks through Dropout and like Concats (validate.ts's finalActivation).
 */
import { z } from 'zod';
import type { ActivationName, NetworkNode } from '../document';
import { LOSS_NAMES } from '../document';
import { nodeLabel, plural, problem, shapeSize, type KindDef, type KindNode, type Problem } from './kind';
import { exampleNetwork, origin } from './common';

const props = z.object({
  loss: z.enum(LOSS_NAMES),
  /** The target column names this output is compared with: one per output unit. */
  targets: z.array(z.string()).min(1, { error: 'expected at least one target column' }),
});
export type OutputNode = KindNode<'output', z.infer<typeof props>>;

export const output: KindDef<'output', typeof props> = {
  type: 'output',
  idPrefix: 'output',
  label: 'Output',
  description: "Marks the network's prediction and compares it with the target columns using a loss.",
  props,
  defaults: () => ({ loss: 'mse', targets: ['y'] }),
  minInputs: 1,
  maxInputs: 1,
  hasOutput: false,
  role: 'output',
  loss: (node) => node.loss,
  targets: (node) => node.targets,
  infer({ node, inputs, edges, nodesById }) {
    if (inputs.length !== 1 || inputs[0] === undefined) return undefined;
    const size = shapeSize(inputs[0]);
    const targets = Array.isArray(node.targets) ? node.targets.length : 0;
    if (targets > 0 && targets !== size) {
      return { problem: problem('error', 'output-size-mismatch',
        `${nodeLabel(node)} receives ${size} value${size === 1 ? '' : 's'} from ${nodeLabel(nodesById[edges[0]!.source])} but is compared with ${targets} target${targets === 1 ? '' : 's'} (${node.targets.join(', ')}): they must match.`,
        [node.id, edges[0]!.source], [edges[0]!.id], 'targets') };
    }
    return { shape: inputs[0] };
  },
  validate(ctx) {
    const { node, shape, inputs } = ctx;
    const problems: Problem[] = [];
    const label = nodeLabel(node);
    const targets = Array.isArray(node.targets) ? node.targets : [];
    if (targets.length === 0) problems.push(problem('error', 'no-targets', `${label} has no target column: choose what it should predict.`, [node.id], [], 'targets'));
    if (inputs.length !== 1 || shape === undefined) return problems;
    const size = shapeSize(shape);
    const source = inputs[0]!.source;
    const act = ctx.finalActivation(source);
    const from = nodeLabel(ctx.nodesById[source]);
    /** What is wrong with the producer and how to fix it, after "but <producer> …". */
    const fix = (who: string, got: ActivationName | undefined, want: ActivationName, out: string) =>
      ctx.hasOwnActivation(source)
        ? `has a ${got} activation: give ${who} a ${want} activation`
        : `${got === undefined ? 'is not squashed by any activation' : `ends in a ${got} activation`}: put a ${want} Activation between ${who} and ${out}`;
    const mismatch = (message: string) => problems.push(problem('error', 'loss-activation-mismatch', message, [node.id, source], [inputs[0]!.id], 'loss'));
    if (node.loss === 'binaryCrossEntropy') {
      if (size !== 1) mismatch(`${label} uses binary cross-entropy, which compares one probability with a 0/1 target, but receives ${plural(size, 'value')}: feed it a single sigmoid unit, or use softmax cross-entropy for several classes.`);
      else if (act !== 'sigmoid') mismatch(`${label} uses binary cross-entropy, which needs a probability between 0 and 1, but ${from} ${fix(from, act, 'sigmoid', label)}.`);
    } else if (node.loss === 'softmaxCrossEntropy') {
      if (size < 2) mismatch(`${label} uses softmax cross-entropy, which needs one value per class (at least 2), but receives ${plural(size, 'value')}: use binary cross-entropy with a sigmoid for a yes/no target.`);
      else if (act !== 'softmax') mismatch(`${label} uses softmax cross-entropy, which needs class probabilities, but ${from} ${fix(from, act, 'softmax', label)}.`);
    }
    return problems;
  },
  slots: [],
  allocate(ws, p, i) {
    ws.a[i] = ws.a[p.inputs[0]!]!;
  },
  forward() {},
  backward() {},
  onnx: {
    export(ctx) {
      ctx.add('Identity', ctx.base, [ctx.inputs[0]!], [ctx.modelOutput]);
      return ctx.modelOutput;
    },
    import: null,
  },
  pytorch: (ctx) => ({ init: [], forward: [`${ctx.name} = ${ctx.inputs[0]!}`], params: [] }),
  numpy: (ctx) => ({ forward: [`${ctx.name} = ${ctx.inputs[0]!}`], backward: [`d_${ctx.inputs[0]!} += d_${ctx.name}`], params: [] }),
  reference: (_node, inputs) => [...inputs[0]!],
  examples: {
    networks: () => [
      exampleNetwork('a sigmoid neuron with binary cross-entropy', [
        { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1', 'x2'] },
        { id: 'n', type: 'neuron', name: 'n', position: origin, activation: 'sigmoid', bias: -0.2 },
        { id: 'out', type: 'output', name: 'out', position: origin, loss: 'binaryCrossEntropy', targets: ['y1'] },
      ] satisfies NetworkNode[], [['a', 'n'], ['n', 'out']]),
    ],
    wrongArity: () => exampleNetwork('output with two inputs', [
      { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1'] },
      { id: 'b', type: 'input', name: 'b', position: origin, features: ['x2'] },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1'] },
    ], [['a', 'out'], ['b', 'out']]),
    wrongShape: () => exampleNetwork('output of 2 values against 1 target', [
      { id: 'a', type: 'input', name: 'a', position: origin, features: ['x1', 'x2'] },
      { id: 'out', type: 'output', name: 'out', position: origin, loss: 'mse', targets: ['y1'] },
    ], [['a', 'out']]),
  },
};
