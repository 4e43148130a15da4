/**
 * Export → PyTorch project: a folder that trains the network in PyTorch, on one process (`python3 train.py`) or many
 * (torchrun / DistributedDataParallel), and writes the result back in Netwright's weights JSON.
 *
 *   model.py      an nn.Module mirroring the graph, written by each node kind's own emitter (KindDef.pytorch), with
 *                 the node names as attribute and variable names; load_weights / weights_json read and write
 *                 Netwright's weights JSON; loss_sum is the document's loss with the core's conventions.
 *   weights.json  the network's weights in Netwright's weights JSON (src/core/export.ts), read with json + torch only.
 *   train.py      the document's optimiser, hyper-parameters, schedule, L1/L2, clipping, batch size, epochs and seed,
 *                 with the core's data order (its PRNG, mulberry32, ported), checkpoints and resume.
 *   data.json     the data set exactly as the core built it (generated sets, tabular sets and CSV alike), split.
 *   README.md     the commands.
 * Semantics that match the core (docs/exchange.md says which do not: dropout masks come from torch's RNG).
 */
import type { ActivationName, NetworkDocument } from '../document';
import type { Dataset } from '../data/types';
import { ACTIVATION_CONSTANTS } from '../activations';
import { weightsJson } from '../export';
import { PROBABILITY_EPSILON } from '../losses';
import { codeContexts, compileForExport, indent, pyFloat, pyString } from './common';
import { PYTORCH_TRAIN } from './pytorchTrain';

/** The torch expression of each activation (a new activation must say how PyTorch writes it). */
const TORCH_ACTIVATIONS = {
  linear: (e: string) => e,
  relu: (e: string) => `torch.relu(${e})`,
  leakyRelu: (e: string) => `F.leaky_relu(${e}, ${ACTIVATION_CONSTANTS.leakyReluAlpha})`,
  elu: (e: string) => `F.elu(${e}, alpha=${ACTIVATION_CONSTANTS.eluAlpha.toFixed(1)})`,
  sigmoid: (e: string) => `torch.sigmoid(${e})`,
  tanh: (e: string) => `torch.tanh(${e})`,
  gelu: (e: string) => `F.gelu(${e}, approximate="tanh")`,
  sine: (e: string) => `torch.sin(${e})`,
  softmax: (e: string) => `torch.softmax(${e}, dim=-1)`,
} satisfies Record<ActivationName, (e: string) => string>;

export interface PyTorchProject {
  /** File name → text. */
  files: Record<string, string>;
}

export type PyTorchResult = { ok: true; project: PyTorchProject } | { ok: false; message: string };

export interface PyTorchOptions {
  /** The data set the document trains on (loadDataset(doc.data)); without it, data.json is not written. */
  dataset?: Dataset;
  /** The parameters to export (a trained network's); default: the document's (or their initial values). */
  params?: Float32Array;
}

/** The Python source of the loss, summed over the rows (the batch loss is this over the number of rows). */
function lossSource(loss: string, fused: boolean): string[] {
  const eps = String(PROBABILITY_EPSILON);
  switch (loss) {
    case 'mse':
      return ['return ((out - y) ** 2).sum()'];
    case 'binaryCrossEntropy':
      return fused
        ? ['return F.binary_cross_entropy_with_logits(out, y, reduction="sum")']
        : [`q = out.clamp(${eps}, 1 - ${eps})`, 'return -(y * torch.log(q) + (1 - y) * torch.log(1 - q)).sum()'];
    default:
      return fused ? ['return -(y * torch.log_softmax(out, dim=1)).sum()'] : [`return -(y * torch.log(out.clamp(${eps}, 1 - ${eps}))).sum()`];
  }
}

export function exportPyTorch(doc: NetworkDocument, options: PyTorchOptions = {}): PyTorchResult {
  const compiled = compileForExport(doc, 'a PyTorch project', options.dataset, options.params);
  if (!compiled.ok) return compiled;
  const c = compiled.value;
  const { plan } = c;
  const contexts = codeContexts(c, compiled.names, {
    modelInput: 'x',
    activation: (act, e) => TORCH_ACTIVATIONS[act](e),
    activationGrad: () => {
      throw new Error('PyTorch differentiates by itself');
    },
    literal: () => {
      throw new Error('model.py reads its weights from weights.json');
    },
  });
  const init: string[] = [];
  const forward: string[] = [];
  const table: string[] = [];
  let preactivation: string | undefined;
  plan.nodes.forEach((p, i) => {
    const ctx = contexts[i]!;
    const code = p.kind.pytorch(ctx);
    if (code.init.length > 0) init.push(`# ${p.kind.label} "${p.node.name}"`, ...code.init);
    forward.push(...code.forward);
    if (i === plan.producerIndex) preactivation = code.preactivation;
    for (const param of code.params) {
      const parts = param.parts.map((part) => ('edge' in part ? `("edge", ${pyString(part.edge)})` : `("slot", ${pyString(p.id)}, ${pyString(part.slot)})`));
      table.push(`(${pyString(param.path)}, [${parts.join(', ')}], ${param.transpose ? 'True' : 'False'}, ${param.regularized ? 'True' : 'False'}),`);
    }
  });
  const outputName = compiled.names[plan.nodes[plan.outputIndex]!.id]!;
  if (plan.fused && preactivation === undefined) return { ok: false, message: 'Cannot export a PyTorch project: the loss is fused with an activation that has no pre-activation' };
  const loss = plan.loss.name;
  const weights = weightsJson(doc, c.params);
  if (!weights.ok) return weights;

  const model = [
    `"""${doc.name.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"')}: the network, exported from Netwright.`,
    '',
    'Network is an nn.Module that mirrors the graph node by node (the attribute and variable names are the node names).',
    'load_weights(model) reads weights.json, Netwright\'s weights JSON; weights_json(model) writes it back.',
    'Input rows hold the columns FEATURES; outputs are compared with the columns TARGETS.',
    '"""',
    'import copy',
    'import json',
    'import os',
    '',
    'import torch',
    'from torch import nn',
    'import torch.nn.functional as F',
    '',
    'HERE = os.path.dirname(os.path.abspath(__file__))',
    `FEATURES = [${plan.featureNames.map(pyString).join(', ')}]`,
    `TARGETS = [${Array.from(plan.targetColumns, (k) => pyString(plan.targetNames[k]!)).join(', ')}]`,
    `LOSS = ${pyString(loss)}`,
    '# The loss starts from the output\'s pre-activation (sigmoid + binary cross-entropy, softmax + softmax cross-entropy).',
    `FUSED = ${plan.fused ? 'True' : 'False'}`,
    '',
    '',
    'class Network(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    ...indent(init, 8),
    '',
    '    def forward(self, x, logits=False):',
    '        """x: batch × len(FEATURES). The outputs, or with logits=True (FUSED only) the pre-activation the loss starts from."""',
    ...indent(forward, 8),
    ...(plan.fused ? ['        if logits:', `            return ${preactivation!}`] : []),
    `        return ${outputName}`,
    '',
    '',
    'def loss_sum(out, y):',
    '    """The loss summed over the rows of a batch; Netwright\'s batch loss is this over the number of rows.',
    '    One example\'s loss is the sum over its output units. `out` is forward(x, logits=FUSED)."""',
    ...indent(lossSource(loss, plan.fused), 4),
    '',
    '',
    '# Each torch parameter: its state_dict name, the Netwright blocks it holds (stacked along the first axis),',
    '# whether it is their transpose (nn.Linear keeps out × in), and whether L1/L2 apply to it.',
    'PARAMETERS = [',
    ...indent(table, 4),
    ']',
    '',
    '',
    'def _blocks(weights):',
    '    """Netwright\'s weights JSON as {("edge", id) or ("slot", node id, slot): tensor}."""',
    '    out = {}',
    '    for e in weights["edges"]:',
    '        out[("edge", e["id"])] = torch.tensor(e["weights"], dtype=torch.float32).reshape(e["rows"], e["cols"])',
    '    for b in weights["biases"]:',
    '        out[("slot", b["id"], "bias")] = torch.tensor(b["values"], dtype=torch.float32).reshape(-1, 1)',
    '    for s in weights.get("slots", []):',
    '        out[("slot", s["id"], s["slot"])] = torch.tensor(s["values"], dtype=torch.float32).reshape(-1, 1)',
    '    return out',
    '',
    '',
    'def load_weights(model, path=os.path.join(HERE, "weights.json")):',
    '    """Set the model\'s parameters from Netwright\'s weights JSON (refusing a file of another network)."""',
    '    with open(path, encoding="utf-8") as f:',
    '        blocks = _blocks(json.load(f))',
    '    state = model.state_dict()',
    '    with torch.no_grad():',
    '        for name, parts, transpose, _ in PARAMETERS:',
    '            for part in parts:',
    '                if part not in blocks:',
    '                    raise ValueError(f"{path}: no values for {part} (the parameter {name})")',
    '            value = torch.cat([blocks[p] for p in parts], 0)',
    '            value = value.t() if transpose else value.reshape(-1)',
    '            if tuple(value.shape) != tuple(state[name].shape):',
    '                raise ValueError(f"{path}: {name} has the shape {tuple(value.shape)}, the model needs {tuple(state[name].shape)}")',
    '            state[name].copy_(value)',
    '',
    '',
    'def weights_json(model, template=os.path.join(HERE, "weights.json")):',
    '    """The model\'s parameters as Netwright\'s weights JSON: the exported file with its numbers replaced."""',
    '    with open(template, encoding="utf-8") as f:',
    '        out = json.load(f)',
    '    sizes = {k: v.shape[0] for k, v in _blocks(copy.deepcopy(out)).items()}',
    '    state = model.state_dict()',
    '    values = {}',
    '    for name, parts, transpose, _ in PARAMETERS:',
    '        value = state[name].detach().cpu().to(torch.float32)',
    '        value = value.t() if transpose else value.reshape(-1, 1)',
    '        offset = 0',
    '        for part in parts:',
    '            values[part] = value[offset:offset + sizes[part]].reshape(-1).tolist()',
    '            offset += sizes[part]',
    '    for e in out["edges"]:',
    '        e["weights"] = values[("edge", e["id"])]',
    '    for b in out["biases"]:',
    '        b["values"] = values[("slot", b["id"], "bias")]',
    '    for s in out.get("slots", []):',
    '        s["values"] = values[("slot", s["id"], s["slot"])]',
    '    flat = [v for e in out["edges"] for v in e["weights"]] + [v for b in out["biases"] for v in b["values"]]',
    '    flat += [v for s in out.get("slots", []) for v in s["values"]]',
    '    for row, v in zip(out["rows"], flat):',
    '        row["value"] = v',
    '    return out',
    '',
  ].join('\n');

  const files: Record<string, string> = {
    'model.py': model,
    'weights.json': `${JSON.stringify(weights.value, null, 2)}\n`,
    'train.py': trainSource(doc),
    'README.md': readme(doc, options.dataset !== undefined),
  };
  if (options.dataset) files['data.json'] = dataJson(options.dataset, plan.targetColumns);
  return { ok: true, project: { files } };
}

/** The data set as the core built it: features and the Output's targets (in its unit order), per split, flat. */
function dataJson(ds: Dataset, targetColumns: Int32Array): string {
  const inW = ds.featureNames.length;
  const outW = ds.targetNames.length;
  const split = (s: Dataset['train']) => {
    const y: string[] = [];
    for (let r = 0; r < s.n; r++) for (const k of targetColumns) y.push(pyFloat(s.y[r * outW + k]!));
    return `{"n": ${s.n}, "x": [${Array.from(s.x.subarray(0, s.n * inW), pyFloat).join(', ')}], "y": [${y.join(', ')}]}`;
  };
  return [
    '{',
    `"name": ${JSON.stringify(ds.name)},`,
    `"task": ${JSON.stringify(ds.task)},`,
    `"features": ${JSON.stringify(ds.featureNames)},`,
    `"targets": ${JSON.stringify(Array.from(targetColumns, (k) => ds.targetNames[k]))},`,
    `"train": ${split(ds.train)},`,
    `"test": ${split(ds.test)}`,
    '}',
    '',
  ].join('\n');
}

function trainSource(doc: NetworkDocument): string {
  const t = doc.training;
  const setup = [
    `    "optimizer": ${pyString(t.optimizer)},`,
    `    "learning_rate": ${String(t.learningRate)},`,
    `    "schedule": {"kind": ${pyString(t.schedule.kind)}, "factor": ${String(t.schedule.factor ?? 1)}, "every_epochs": ${String(t.schedule.everyEpochs ?? 0)}},`,
    `    "momentum": ${String(t.momentum)},`,
    `    "nesterov": ${t.nesterov ? 'True' : 'False'},`,
    `    "beta1": ${String(t.beta1)},`,
    `    "beta2": ${String(t.beta2)},`,
    `    "epsilon": ${String(t.epsilon)},`,
    `    "batch_size": ${String(t.batchSize)},`,
    `    "epochs": ${String(t.epochs)},`,
    `    "l1": ${String(t.l1)},`,
    `    "l2": ${String(t.l2)},`,
    `    "clip_norm": ${t.clipNorm !== undefined && t.clipNorm > 0 ? String(t.clipNorm) : 'None'},`,
    `    "seed": ${String(t.seed)},`,
  ];
  return PYTORCH_TRAIN.replace('__NAME__', doc.name.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"')).replace('__SETUP__', setup.join('\n'));
}

function readme(doc: NetworkDocument, hasData: boolean): string {
  return `# ${doc.name}: a PyTorch project exported from Netwright

Requires Python 3 and PyTorch (1.13 or newer); nothing else.

\`\`\`sh
python3 train.py                              # one process
torchrun --nproc_per_node=4 train.py           # 4 processes, DistributedDataParallel (gloo on CPU, nccl on CUDA)
python3 train.py --resume checkpoint.pt        # go on from the last checkpoint
\`\`\`

Each run prints the loss per epoch, saves \`checkpoint.pt\` after every epoch and writes the trained weights to
\`trained-weights.json\` (Netwright's weights JSON). Bring them back with File → Import trained weights, or
\`netwright import-weights NETWORK.netwright trained-weights.json --out TRAINED.netwright\`.

Where torchrun is missing or broken, start the processes yourself with its environment variables, e.g. for two:
\`RANK=0 WORLD_SIZE=2 LOCAL_RANK=0 MASTER_ADDR=127.0.0.1 MASTER_PORT=29500 python3 train.py\` and the same with
\`RANK=1 LOCAL_RANK=1\`. The batch size is the global batch: each process takes its share of every batch.

- \`model.py\`: the network as an \`nn.Module\` (\`Network\`), \`load_weights\`, \`weights_json\` and the loss.
- \`weights.json\`: the weights it starts from.
- \`train.py\`: the training setup of the document (optimizer, learning rate and schedule, batch, momentum or Adam's
  betas, L1/L2, clipping, epochs, seed) and its data order.
${hasData ? '- `data.json`: the data set exactly as Netwright built it, already split into training and test rows.\n' : '- No `data.json`: the document names no data set; give train.py one with `--data FILE` (the format of data.json, see train.py).\n'}- Options: \`python3 train.py --help\`.
`;
}
