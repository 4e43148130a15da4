/**
 * The command line over the core: `info`, `forward`, `train`, `export`, `import`, `import-weights`. Every command is a function of its arguments and an
 * `Io` (files and output), so tests run it in memory; main.ts wires it to Node. Bad arguments and bad files end with a
 * one-line message and a non-zero exit code, never a stack trace.
 */
import { SETUP_LIMITS, withinLimit, type Limit } from '../core/limits';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BUILTIN_DATASETS, inspectCsv, loadDataset, type LoadResult } from '../core/data';
import type { BuiltinDatasetName, DataReference, NetworkDocument, NetworkNode, OptimizerName, TrainingHistory, TrainingSetup } from '../core/document';
import { OPTIMIZER_NAMES } from '../core/document';
import { compileNetwork, writeWeights } from '../core/network';
import { parseDocument, trySerializeDocument } from '../core/serialize';
import { createTrainingSession } from '../core/train';
import { weightsCsv, weightsJson } from '../core/export';
import { importWeights } from '../core/exchange/importWeights';
import { exportNumpy } from '../core/exchange/numpy';
import { exportPyTorch } from '../core/exchange/pytorch';
import type { Dataset } from '../core/data/types';
import { exportOnnx } from '../core/onnx/export';
import { importOnnx } from '../core/onnx/import';
import { validateDocument } from '../core/validate';
import { bindInOrder } from '../core/bind';
import { parseNumber } from '../shared/numbers';
import { BoundedSeries, CLI_HISTORY_POINTS } from './curve';
import { escapeControls } from './terminal';
import { decodePng, type DecodedImage } from './png';

export interface Io {
  readText(path: string): string;
  writeText(path: string, text: string): void;
  out(line: string): void;
  err(line: string): void;
  /** Binary files (ONNX); default: node:fs. */
  readBytes?(path: string): Uint8Array;
  writeBytes?(path: string, bytes: Uint8Array): void;
  /** Create a folder (and its parents) if missing (`export --pytorch DIR`); default: node:fs. */
  makeDir?(path: string): void;
  /** Polled once per epoch by `train`: true after Ctrl-C (the weights reached so far are then written to --out). */
  interrupted?(): boolean;
  /** At most this many points of per-epoch history are kept (default CLI_HISTORY_POINTS). */
  historyPoints?: number;
}

/** A failure the user caused or can fix: printed as one line. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

const USAGE = `usage: netwright <command> [options]

commands:
  info FILE                      nodes, parameters, memory and validation messages
  forward FILE --input 1,2       the outputs for one example (repeat --input for more); --trace: every node's z and a
  forward FILE --image D.png     the same for an image input (a PNG of the Input's size, or a CSV row); --invert: 1 − grey
  train FILE [options]           train and print loss and accuracy per epoch (every setting: netwright train --help)
      --dataset NAME             a built-in set: ${BUILTIN_DATASETS.map((d) => d.id).join(', ')}
      --csv PATH --target COL    your own data (all other numeric columns are features)
      --epochs N --batch B --lr X --optimizer ${OPTIMIZER_NAMES.join('|')} --seed S --data-seed S
      --noise X --train-ratio R  for generated sets and CSV
      --standardize, --no-standardize   CSV data: scale with the training rows' mean and std (--csv: on)
      --out FILE                 write the trained network
  export FILE --onnx OUT         the network as an ONNX model with its weights (opset 17, IR 8; opset 20, IR 9, if it uses gelu)
      --weights-json OUT         every weight and bias as JSON
      --weights-csv OUT          every weight and bias as CSV (from,to,value)
      --pytorch DIR              a PyTorch project: model.py, weights.json, train.py (one process or torchrun), data.json, README.md
      --numpy OUT.py             the network as a NumPy script: outputs for the first data rows and one learning step
  import-weights FILE WEIGHTS --out FILE   trained weights (Netwright's weights JSON, e.g. train.py's) applied to FILE
  import MODEL.onnx --out FILE   an ONNX model (Gemm/MatMul, activations, Add, Concat) as a Netwright network
common: --json (machine-readable output), --help`;

/**
 * `netwright train --help`: every setting a training run uses, and where it comes from. Each training setup field
 * (DEFAULT_TRAINING's keys) and each data field is listed; a test checks none is missing.
 */
const TRAIN_USAGE = `usage: netwright train FILE [options]

Trains the network in FILE and prints the loss (and accuracy) after every epoch. Every setting comes from the file
unless a flag below overrides it; before training, the settings used are printed with their source.

training setup (the file's "training")       from
  optimizer      sgd | momentum | adam          --optimizer NAME, else the file
  learningRate   the base rate                  --lr X, else the file
  batchSize      rows per step                  --batch B, else the file
  epochs         passes over the train rows     --epochs N, else the file
  seed           initialiser, shuffle, dropout  --seed S, else the file
  schedule       constant | stepDecay           the file only
  momentum, nesterov                            the file only (momentum)
  beta1, beta2, epsilon                         the file only (adam)
  l1, l2         penalties on the weights       the file only
  clipNorm       global gradient-norm limit     the file only
  initializer, initialValue                     the file only (weights the file lacks)

data (the file's "data", or)
  --dataset NAME               a built-in set: ${BUILTIN_DATASETS.map((d) => d.id).join(', ')}
  --csv PATH --target COLUMN   a CSV; the other numeric columns are features
  noise          generated sets                 --noise X, else the file (0 with --dataset of another set)
  trainRatio     fraction of rows trained on    --train-ratio R, else the file (--dataset: the set's
                                                default unless the file names the same set; --csv: 0.8)
  standardize    CSV only                       --standardize / --no-standardize, else the file (--csv: on)
  samples, features   generated sets            the file only
  seed           the split's seed               --data-seed S, else the file's data.seed (as the app:
                                                the same split and order give the same weights)

output
  --out FILE    write the trained network: its weights, this run's setup and data, the loss curve appended
  --json        the per-epoch results (and the settings used) as JSON`;

const FLAGS = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  input: { type: 'string', multiple: true },
  image: { type: 'string', multiple: true },
  invert: { type: 'boolean' },
  trace: { type: 'boolean' },
  dataset: { type: 'string' },
  csv: { type: 'string' },
  target: { type: 'string' },
  epochs: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  optimizer: { type: 'string' },
  seed: { type: 'string' },
  'data-seed': { type: 'string' },
  noise: { type: 'string' },
  'train-ratio': { type: 'string' },
  standardize: { type: 'boolean' },
  'no-standardize': { type: 'boolean' },
  out: { type: 'string' },
  onnx: { type: 'string' },
  'weights-json': { type: 'string' },
  'weights-csv': { type: 'string' },
  pytorch: { type: 'string' },
  numpy: { type: 'string' },
} as const;

type Flags = ReturnType<typeof parseArgs<{ options: typeof FLAGS; allowPositionals: true }>>['values'];

/**
 * `--input -1,2` as `--input=-1,2`: a value flag followed by a negative number (ASCII or U+2212 minus) takes it as
 * its value instead of reading it as an unknown option.
 */
function negativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : null;
    const next = argv[i + 1];
    const option = name !== null ? (FLAGS as Record<string, { type: string }>)[name] : undefined;
    if (option?.type === 'string' && next !== undefined && /^[-\u2212]\.?\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** Run one command line; returns the exit code. Never throws. Everything printed is made inert for a terminal. */
export function runCli(argv: readonly string[], rawIo: Io): number {
  const io: Io = { ...rawIo, out: (line) => rawIo.out(escapeControls(line)), err: (line) => rawIo.err(escapeControls(line)) };
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: negativeValues(argv), options: FLAGS, allowPositionals: true, strict: true });
    } catch (e) {
      throw new CliError(`${e instanceof Error ? e.message : String(e)} (see --help)`, 2);
    }
    const [command, ...rest] = parsed.positionals;
    const flags = parsed.values;
    if (flags.help && command === 'train') {
      io.out(TRAIN_USAGE);
      return 0;
    }
    if (flags.help || command === undefined || command === 'help') {
      io.out(USAGE);
      return command === undefined && !flags.help ? 2 : 0;
    }
    switch (command) {
      case 'info':
        return info(requireFile(rest, command), flags, io);
      case 'forward':
        return forward(requireFile(rest, command), flags, io);
      case 'train':
        return train(requireFile(rest, command), flags, io);
      case 'export':
        return exportCommand(requireFile(rest, command), flags, io);
      case 'import':
        return importCommand(requireFile(rest, command), flags, io);
      case 'import-weights':
        if (rest.length !== 2) throw new CliError(`import-weights takes FILE and WEIGHTS (got ${rest.length} argument${rest.length === 1 ? '' : 's'})`, 2);
        return importWeightsCommand(rest[0]!, rest[1]!, flags, io);
      default:
        if (/\.netwright$/i.test(command)) {
          throw new CliError(`"${command}" is a file, not a command: to open it, start the Netwright app with it; here, try \`netwright info ${command}\``, 2);
        }
        throw new CliError(`unknown command "${command}" (commands: info, forward, train, export, import, import-weights)`, 2);
    }
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`netwright: ${e.message}`);
      return e.exitCode;
    }
    io.err(`netwright: internal error: ${e instanceof Error ? e.message : String(e)}`);
    return 70;
  }
}

function requireFile(rest: string[], command: string): string {
  if (rest.length !== 1) throw new CliError(`${command} takes one FILE (got ${rest.length})`, 2);
  return rest[0];
}

function readDocument(path: string, io: Io): NetworkDocument {
  let text: string;
  try {
    text = io.readText(path);
  } catch (e) {
    throw new CliError(fileErrorMessage(e, `cannot read ${path}`));
  }
  const parsed = parseDocument(text);
  if (!parsed.ok) throw new CliError(`${path}: ${parsed.message}`);
  for (const warning of parsed.warnings ?? []) io.err(`netwright: warning: ${path}: ${warning}`);
  return parsed.doc;
}

/** A FileError already says what happened in words ("Could not save x: the disk is full (ENOSPC)."); else the code. */
function fileErrorMessage(e: unknown, prefix: string): string {
  if (e instanceof Error && e.name === 'FileError') return e.message;
  return `${prefix}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
}

function info(path: string, flags: Flags, io: Io): number {
  const doc = readDocument(path, io);
  const report = validateDocument(doc);
  const counts = new Map<string, number>();
  for (const n of doc.nodes) counts.set(n.type, (counts.get(n.type) ?? 0) + 1);
  if (flags.json) {
    io.out(JSON.stringify({
      name: doc.name,
      nodes: doc.nodes.length,
      edges: doc.edges.length,
      nodeTypes: Object.fromEntries(counts),
      parameters: report.parameterCount,
      memory: report.memory,
      shapes: Object.fromEntries(report.analysis.order.map((id) => [id, report.shapes[id] ?? null])),
      errors: report.errors.map(({ code, message, nodeIds, edgeIds }) => ({ code, message, nodeIds, edgeIds })),
      warnings: report.warnings.map(({ code, message, nodeIds, edgeIds }) => ({ code, message, nodeIds, edgeIds })),
    }, null, 2));
    return report.errors.length > 0 ? 1 : 0;
  }
  io.out(`${doc.name}`);
  io.out(`  nodes       ${doc.nodes.length} (${[...counts].map(([t, c]) => `${c} ${t}`).join(', ')})`);
  io.out(`  edges       ${doc.edges.length}`);
  io.out(`  parameters  ${report.parameterCount}`);
  io.out(`  memory      ${formatBytes(report.memory.fp32)} fp32 · ${formatBytes(report.memory.fp16)} fp16 · ${formatBytes(report.memory.int8)} int8`);
  // Each node's output shape, in the order the network computes them ("?" where it cannot be worked out).
  const order = report.analysis.order.length > 0 ? report.analysis.order : doc.nodes.map((n) => n.id);
  for (const id of order) {
    const node = report.analysis.nodesById[id] ?? doc.nodes.find((n) => n.id === id);
    if (!node) continue;
    const shape = report.shapes[id];
    io.out(`  node        ${node.name} (${node.type}) ${shape === undefined ? '?' : shape.length === 1 ? String(shape[0]) : `[${shape.join('×')}]`}`);
  }
  if (report.errors.length === 0 && report.warnings.length === 0) io.out('  valid       ✓ no problems');
  for (const p of report.errors) io.out(`  error       ${p.message}`);
  for (const p of report.warnings) io.out(`  warning     ${p.message}`);
  return report.errors.length > 0 ? 1 : 0;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

/**
 * One input row from an image file: a PNG of exactly the Input's height × width (grey levels 0 = black … 1 = white,
 * or RGB for 3 channels; --invert gives 1 − v, for dark ink on light paper, as the digits store ink as 1), or a CSV
 * file whose first non-empty line is the row's numbers.
 */
function imageRow(doc: NetworkDocument, file: string, size: number, invert: boolean, io: Io): number[] {
  if (/\.csv$/i.test(file)) {
    const line = io.readText(file).split(/\r?\n/).find((l) => l.trim() !== '');
    if (line === undefined) throw new CliError(`--image ${file}: the file has no row of numbers`, 2);
    return parseNumberList(line, `--image ${file}`);
  }
  const input = doc.nodes.find((n): n is Extract<NetworkNode, { type: 'input' }> => n.type === 'input' && Array.isArray((n as { shape?: unknown }).shape));
  if (!input || input.shape === undefined || input.shape.length !== 3) throw new CliError(`--image ${file}: the network has no Input of an image shape [height, width, channels]`, 2);
  const [h, w, c] = input.shape as [number, number, number];
  if (c !== 1 && c !== 3) throw new CliError(`--image ${file}: the Input has ${c} channels; a PNG gives 1 (grey) or 3 (RGB)`, 2);
  let decoded: DecodedImage;
  try {
    decoded = decodePng((io.readBytes ?? ((p) => new Uint8Array(readFileSync(p))))(file));
  } catch (error) {
    throw new CliError(`--image ${file}: ${error instanceof Error ? error.message : String(error)}`, 2);
  }
  if (decoded.width !== w || decoded.height !== h) throw new CliError(`--image ${file} is ${decoded.width}×${decoded.height} pixels; the Input takes ${w}×${h}`, 2);
  const row: number[] = [];
  for (let p = 0; p < w * h; p++) {
    const rgb = [decoded.rgb[p * 3]!, decoded.rgb[p * 3 + 1]!, decoded.rgb[p * 3 + 2]!];
    const values = c === 1 ? [(rgb[0]! + rgb[1]! + rgb[2]!) / 3] : rgb;
    for (const v of values) row.push(invert ? 1 - v : v);
  }
  if (row.length !== size) throw new CliError(`--image ${file}: the image gives ${row.length} values but the network reads ${size}`, 2);
  return row;
}

function forward(path: string, flags: Flags, io: Io): number {
  const doc = readDocument(path, io);
  const compiled = compileNetwork(doc);
  if (!compiled.ok) throw new CliError(`${path}: ${compiled.problems[0].message}`);
  const net = compiled.net;
  const inputs = flags.input ?? [];
  const images = flags.image ?? [];
  if (inputs.length === 0 && images.length === 0) {
    throw new CliError(`forward needs --input with ${net.inputSize} number${net.inputSize === 1 ? '' : 's'} (${net.featureNames.join(', ')}), or --image PATH.png for an image input`, 2);
  }
  const names = new Map(doc.nodes.map((n) => [n.id, n.name]));
  const rows = [
    ...inputs.map((text, k) => ({ label: `--input ${k + 1}`, x: parseNumberList(text, `--input ${k + 1}`) })),
    ...images.map((file) => ({ label: `--image ${file}`, x: imageRow(doc, file, net.inputSize, flags.invert === true, io) })),
  ];
  const results = rows.map(({ label, x }) => {
    if (x.length !== net.inputSize) {
      throw new CliError(`${label} has ${x.length} value${x.length === 1 ? '' : 's'}; the network takes ${net.inputSize}${net.inputSize <= 20 ? ` (${net.featureNames.join(', ')})` : ''}`, 2);
    }
    const row = Float32Array.from(x);
    const output = Array.from(net.forward(row, 1));
    const trace = flags.trace ? net.trace(row) : undefined;
    return { input: x, output, trace };
  });
  if (flags.json) {
    io.out(JSON.stringify(results.map((r) => ({
      input: r.input,
      output: r.output,
      ...(r.trace ? {
        trace: Object.fromEntries(net.analysis.order.filter((id) => r.trace![id]).map((id) => [id, {
          name: names.get(id), z: r.trace![id].z ? Array.from(r.trace![id].z!) : null, a: Array.from(r.trace![id].a),
        }])),
      } : {}),
    })), null, 2));
    return 0;
  }
  for (const r of results) {
    io.out(`input  ${net.featureNames.map((f, i) => `${f}=${fmt(r.input[i])}`).join(' ')}`);
    if (r.trace) {
      for (const id of net.analysis.order) {
        const t = r.trace[id];
        if (!t) continue;
        const z = t.z ? `z = ${vec(t.z)}  ` : '';
        io.out(`  ${(names.get(id) ?? id).padEnd(12)} ${z}a = ${vec(t.a)}`);
      }
    }
    io.out(`output ${net.targetNames.map((t, i) => `${t}=${fmt(r.output[i])}`).join(' ')}`);
  }
  return 0;
}

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6))));
const vec = (v: Float32Array): string => (v.length === 1 ? fmt(v[0]) : `[${Array.from(v, fmt).join(', ')}]`);

function parseNumberList(text: string, what: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  return parts.map((p, i) => {
    const v = parseNumber(p);
    if (!Number.isFinite(v)) throw new CliError(`${what}: value ${i + 1} ("${p}") is not a number`, 2);
    return v;
  });
}

function numberFlag(flags: Flags, name: 'epochs' | 'batch' | 'lr' | 'seed' | 'data-seed' | 'noise' | 'train-ratio', check: (v: number) => string | undefined): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const v = parseNumber(raw);
  const problem = !Number.isFinite(v) ? 'is not a number' : check(v);
  if (problem) throw new CliError(`--${name} ${raw}: ${problem}`, 2);
  return v;
}

const within = (l: Limit) => (v: number) => (withinLimit(l, v) ? undefined : l.integer && l.max === Infinity ? 'must be a positive whole number' : `must be ${l.words}`);

/** The split's seed: --data-seed, else the file's data.seed (the app's trainer splits with it), else the document default's. */
function dataSeed(doc: NetworkDocument, flags: Flags): number {
  const told = numberFlag(flags, 'data-seed', (v) => (Number.isInteger(v) ? undefined : 'must be a whole number'));
  return told ?? (doc.data.kind === 'none' ? doc.training.seed : doc.data.seed);
}

function dataReference(doc: NetworkDocument, flags: Flags, io: Io): DataReference {
  const seed = dataSeed(doc, flags);
  const noise = numberFlag(flags, 'noise', (v) => (v >= 0 && v <= 1 ? undefined : 'must be between 0 and 1'));
  const trainRatio = numberFlag(flags, 'train-ratio', (v) => (v > 0 && v <= 1 ? undefined : 'must be in (0, 1]'));
  if (flags.dataset && flags.csv) throw new CliError('use --dataset or --csv, not both', 2);
  if (flags.standardize && flags['no-standardize']) throw new CliError('use --standardize or --no-standardize, not both', 2);
  const standardize = flags.standardize ? true : flags['no-standardize'] ? false : undefined;
  const csvData = flags.csv !== undefined || (flags.dataset === undefined && doc.data.kind === 'csv');
  if (standardize !== undefined && !csvData) {
    throw new CliError(`--${standardize ? '' : 'no-'}standardize applies to CSV data only (built-in sets come scaled as they are)`, 2);
  }
  if (flags.dataset) {
    const info = BUILTIN_DATASETS.find((d) => d.id === flags.dataset);
    if (!info) throw new CliError(`unknown data set "${flags.dataset}" (built-in: ${BUILTIN_DATASETS.map((d) => d.id).join(', ')})`, 2);
    const previous = doc.data.kind === 'builtin' && doc.data.name === info.id ? doc.data : undefined;
    return {
      kind: 'builtin',
      name: info.id as BuiltinDatasetName,
      noise: noise ?? previous?.noise ?? 0,
      trainRatio: trainRatio ?? previous?.trainRatio ?? info.defaultTrainRatio,
      seed,
      ...(previous?.samples ? { samples: previous.samples } : {}),
      ...(previous?.features ? { features: previous.features } : {}),
    };
  }
  if (flags.csv) {
    if (!flags.target) throw new CliError('--csv needs --target COLUMN', 2);
    let text: string;
    try {
      text = io.readText(flags.csv);
    } catch (e) {
      throw new CliError(`cannot read ${flags.csv}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const inspected = inspectCsv(text);
    if (!inspected.ok) throw new CliError(`${flags.csv}: ${inspected.error}`);
    if (!inspected.columns.some((c) => c.name === flags.target)) {
      throw new CliError(`${flags.csv}: no column "${flags.target}" (columns: ${inspected.columns.map((c) => c.name).join(', ')})`, 2);
    }
    const reserved = inspected.columns.find((c) => c.name === '__proto__' || c.name === 'constructor' || c.name === 'prototype');
    if (reserved) throw new CliError(`${flags.csv}: a column is named "${reserved.name}", which a network file cannot store as a column name; rename it`);
    const roles: Record<string, 'feature' | 'target' | 'ignored'> = {};
    for (const c of inspected.columns) {
      roles[c.name] = c.name === flags.target ? 'target' : c.kind === 'numeric' ? 'feature' : 'ignored';
      if (roles[c.name] === 'ignored') io.err(`note: column "${c.name}" is not numeric; ignored`);
    }
    const fileName = flags.csv.split(/[\\/]/).pop() ?? flags.csv;
    return { kind: 'csv', fileName, text, roles, standardize: standardize ?? true, trainRatio: trainRatio ?? 0.8, seed };
  }
  if (doc.data.kind === 'none') throw new CliError('the file names no data set: use --dataset NAME or --csv PATH --target COLUMN', 2);
  if (doc.data.kind === 'builtin') {
    return { ...doc.data, seed, ...(noise !== undefined ? { noise } : {}), ...(trainRatio !== undefined ? { trainRatio } : {}) };
  }
  return { ...doc.data, seed, ...(trainRatio !== undefined ? { trainRatio } : {}), ...(standardize !== undefined ? { standardize } : {}) };
}

/** Each setting a run uses, its value and where it came from: "file", "--flag", or the default a flag implies. */
function describeSettings(doc: NetworkDocument, flags: Flags, setup: TrainingSetup, data: DataReference): { name: string; value: string | number | boolean; from: string }[] {
  const fileOr = (flag: keyof Flags) => (flags[flag] !== undefined ? `--${flag}` : 'file');
  const t = setup;
  const rows: { name: string; value: string | number | boolean; from: string }[] = [
    { name: 'optimizer', value: t.optimizer, from: fileOr('optimizer') },
    { name: 'learningRate', value: t.learningRate, from: fileOr('lr') },
    { name: 'batchSize', value: t.batchSize, from: fileOr('batch') },
    { name: 'epochs', value: t.epochs, from: fileOr('epochs') },
    { name: 'seed', value: t.seed, from: fileOr('seed') },
    { name: 'schedule', value: t.schedule.kind === 'stepDecay' ? `stepDecay ×${t.schedule.factor} every ${t.schedule.everyEpochs} epochs` : t.schedule.kind, from: 'file' },
  ];
  if (t.optimizer === 'momentum') rows.push({ name: 'momentum', value: t.momentum, from: 'file' }, { name: 'nesterov', value: t.nesterov, from: 'file' });
  if (t.optimizer === 'adam') rows.push({ name: 'beta1', value: t.beta1, from: 'file' }, { name: 'beta2', value: t.beta2, from: 'file' }, { name: 'epsilon', value: t.epsilon, from: 'file' });
  rows.push(
    { name: 'l1', value: t.l1, from: 'file' },
    { name: 'l2', value: t.l2, from: 'file' },
    { name: 'clipNorm', value: t.clipNorm ?? 'none', from: 'file' },
    { name: 'initializer', value: t.initializer, from: 'file' },
  );
  const dataFrom = flags.csv !== undefined ? '--csv' : flags.dataset !== undefined ? '--dataset' : 'file';
  const implied = (flag: keyof Flags) => (flags[flag] !== undefined ? `--${flag}` : dataFrom === 'file' ? 'file' : `${dataFrom} default`);
  if (data.kind === 'builtin') {
    rows.push({ name: 'data', value: data.name, from: dataFrom });
    rows.push({ name: 'noise', value: data.noise, from: flags.dataset !== undefined && doc.data.kind === 'builtin' && doc.data.name === data.name && flags.noise === undefined ? 'file' : implied('noise') });
  } else if (data.kind === 'csv') {
    rows.push({ name: 'data', value: data.fileName, from: dataFrom });
    const std = flags.standardize ? '--standardize' : flags['no-standardize'] ? '--no-standardize' : dataFrom === 'file' ? 'file' : '--csv default';
    rows.push({ name: 'standardize', value: data.standardize, from: std });
  }
  if (data.kind !== 'none') {
    const sameSet = flags.dataset !== undefined && doc.data.kind === 'builtin' && data.kind === 'builtin' && doc.data.name === data.name;
    rows.push({ name: 'trainRatio', value: data.trainRatio, from: flags['train-ratio'] === undefined && sameSet ? 'file' : implied('train-ratio') });
    rows.push({ name: 'split seed', value: data.seed, from: flags['data-seed'] !== undefined ? '--data-seed' : doc.data.kind === 'none' ? 'training.seed' : 'file' });
  }
  return rows;
}

/** Bind the network's Inputs and Output targets to the data's columns in order when the counts match (src/core/bind.ts), saying so. */
function bindByPosition(doc: NetworkDocument, features: readonly string[], targets: readonly string[], io: Io): NetworkDocument {
  const bound = bindInOrder(doc, { features: [...features], targets: [...targets] });
  if (!bound) return doc;
  const say = (what: string, pairs: { from: string; to: string }[]) => {
    if (pairs.length > 0) io.err(`note: the ${what} do not match the data's; bound in order: ${pairs.map((p) => `${p.from} ← ${p.to}`).join(', ')}`);
  };
  say('input features', bound.features);
  say('output targets', bound.targets);
  return bound.doc;
}

function train(path: string, flags: Flags, io: Io): number {
  const doc = readDocument(path, io);
  // The limits are the file format's (src/core/limits.ts): what the command line takes, a file can hold.
  const epochs = numberFlag(flags, 'epochs', within(SETUP_LIMITS.epochs)) ?? doc.training.epochs;
  const batchSize = numberFlag(flags, 'batch', within(SETUP_LIMITS.batchSize));
  const learningRate = numberFlag(flags, 'lr', (v) => (withinLimit(SETUP_LIMITS.learningRate, v) ? undefined : 'must be positive'));
  const seed = numberFlag(flags, 'seed', (v) => (Number.isInteger(v) ? undefined : 'must be a whole number')) ?? doc.training.seed;
  if (flags.optimizer !== undefined && !(OPTIMIZER_NAMES as readonly string[]).includes(flags.optimizer)) {
    throw new CliError(`--optimizer ${flags.optimizer}: must be one of ${OPTIMIZER_NAMES.join(', ')}`, 2);
  }
  const setup: Partial<TrainingSetup> = {
    epochs,
    seed,
    ...(batchSize !== undefined ? { batchSize } : {}),
    ...(learningRate !== undefined ? { learningRate } : {}),
    ...(flags.optimizer !== undefined ? { optimizer: flags.optimizer as OptimizerName } : {}),
  };
  const data = dataReference(doc, flags, io);
  const loaded: LoadResult = loadDataset(data);
  if (!loaded.ok) throw new CliError(loaded.message);
  for (const note of loaded.notes) io.err(`note: ${note}`);
  // As the app's trainer (src/trainer/session.ts): a file trained before goes on counting from where its history ends
  // (the epoch a step-decay schedule reads).
  const startStep = doc.history?.step.at(-1);
  const bound = bindByPosition(doc, loaded.dataset.featureNames, loaded.dataset.targetNames, io);
  const made = createTrainingSession(bound, loaded.dataset, setup, startStep !== undefined ? { startStep } : {});
  if (!made.ok) throw new CliError(`${path}: ${made.problems[0].message}`);
  const session = made.session;
  const settings = describeSettings(doc, flags, session.setup, data);
  if (!flags.json) {
    const line = (rows: typeof settings) => rows.map((r) => `${r.name} ${String(r.value)} (${r.from})`).join(' · ');
    const split = settings.findIndex((r) => r.name === 'data');
    io.out(`settings  ${line(split < 0 ? settings : settings.slice(0, split))}`);
    if (split >= 0) io.out(`data      ${line(settings.slice(split))}`);
  }
  // Bounded as the app's chart: a run of any length keeps at most `historyPoints` epochs, evenly thinned.
  const cap = io.historyPoints ?? CLI_HISTORY_POINTS;
  const history = new BoundedSeries<Record<string, number | null>>(cap);
  /** The loss curve saved with --out (file format `history`), finite values only. */
  const points = new BoundedSeries<{ step: number; trainLoss: number; testLoss: number | null; accuracy: number | null }>(cap);
  const finiteOrNull = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  let diverged: string | undefined;
  let interruptedAt: number | undefined;
  for (let e = 1; e <= epochs; e++) {
    if (io.interrupted?.()) {
      interruptedAt = e - 1;
      break;
    }
    const result = session.stepEpoch();
    if (result.kind === 'diverged') {
      diverged = `diverged at step ${result.step} (epoch ${result.epoch + 1}): ${result.message}; kept the last good weights`;
      break;
    }
    const ev = session.evaluate();
    const row = {
      epoch: e,
      trainLoss: ev.trainLoss,
      testLoss: ev.testLoss,
      ...(ev.trainAccuracy !== undefined ? { trainAccuracy: ev.trainAccuracy } : {}),
      ...(ev.testAccuracy !== undefined ? { testAccuracy: ev.testAccuracy } : {}),
    };
    history.push(row);
    if (Number.isFinite(ev.trainLoss)) {
      points.push({ step: result.step, trainLoss: ev.trainLoss, testLoss: finiteOrNull(ev.testLoss), accuracy: finiteOrNull(ev.testAccuracy ?? ev.trainAccuracy) });
    }
    if (!flags.json) {
      const acc = (v: number | undefined) => (v === undefined ? '' : `  ${(v * 100).toFixed(1).padStart(5)}%`);
      io.out(`epoch ${String(e).padStart(4)}  train loss ${ev.trainLoss.toFixed(5)}${acc(ev.trainAccuracy)}  test loss ${ev.testLoss === null ? '—' : ev.testLoss.toFixed(5)}${acc(ev.testAccuracy)}`);
    }
  }
  const kept = points.values();
  const curve: TrainingHistory = { step: kept.map((p) => p.step), trainLoss: kept.map((p) => p.trainLoss), testLoss: kept.map((p) => p.testLoss), accuracy: kept.map((p) => p.accuracy) };
  if (flags.out) {
    const trained: NetworkDocument = {
      ...writeWeights(doc, session.net),
      training: { ...doc.training, ...setup, initializer: 'document' },
      data,
      history: appendHistory(doc.history, curve),
    };
    const saved = trySerializeDocument(trained);
    if (!saved.ok) throw new CliError(`cannot save: ${saved.message}`);
    try {
      io.writeText(flags.out, saved.text);
    } catch (e) {
      throw new CliError(fileErrorMessage(e, `cannot write ${flags.out}`));
    }
  }
  if (flags.json) io.out(JSON.stringify({ settings, epochs: history.values(), diverged: diverged ?? null, interrupted: interruptedAt !== undefined, out: flags.out ?? null }, null, 2));
  if (interruptedAt !== undefined) {
    io.err(`netwright: interrupted after epoch ${interruptedAt} of ${epochs}${flags.out ? `; wrote ${flags.out} with the weights reached so far` : ''}`);
    return 130;
  }
  if (diverged) {
    io.err(`netwright: ${diverged}`);
    return 1;
  }
  if (flags.out && !flags.json) io.out(`wrote ${flags.out}`);
  return 0;
}

function writeOut(path: string, write: () => void): void {
  try {
    write();
  } catch (e) {
    throw new CliError(fileErrorMessage(e, `cannot write ${path}`));
  }
}

/** `export FILE --onnx OUT --weights-json OUT --weights-csv OUT`: at least one of them. */
function exportCommand(path: string, flags: Flags, io: Io): number {
  const targets = { onnx: flags.onnx, json: flags['weights-json'], csv: flags['weights-csv'], pytorch: flags.pytorch, numpy: flags.numpy };
  if (!targets.onnx && !targets.json && !targets.csv && !targets.pytorch && !targets.numpy) {
    throw new CliError('export needs --onnx OUT, --weights-json OUT, --weights-csv OUT, --pytorch DIR or --numpy OUT.py', 2);
  }
  const doc = readDocument(path, io);
  const missing = doc.edges.filter((e) => e.weights === undefined && doc.nodes.some((n) => n.id === e.target && (n.type === 'dense' || n.type === 'neuron')));
  if (missing.length > 0) io.err(`netwright: note: ${path} has ${missing.length} connection(s) without weights; their initial weights (seed ${doc.training.seed}) are exported`);
  const written: { path: string; what: string }[] = [];
  if (targets.onnx) {
    const result = exportOnnx(doc);
    if (!result.ok) throw new CliError(`${path}: ${result.message}`);
    const out = targets.onnx;
    writeOut(out, () => (io.writeBytes ?? ((p, b) => writeFileSync(p, b)))(out, result.bytes));
    written.push({ path: out, what: `ONNX opset ${result.opset}, ${result.bytes.length} bytes` });
  }
  if (targets.json) {
    const result = weightsJson(doc);
    if (!result.ok) throw new CliError(`${path}: ${result.message}`);
    const out = targets.json;
    writeOut(out, () => io.writeText(out, `${JSON.stringify(result.value, null, 2)}\n`));
    written.push({ path: out, what: `${result.value.rows.length} weights and biases as JSON` });
  }
  if (targets.csv) {
    const result = weightsCsv(doc);
    if (!result.ok) throw new CliError(`${path}: ${result.message}`);
    const out = targets.csv;
    writeOut(out, () => io.writeText(out, result.value));
    written.push({ path: out, what: `${result.value.split('\r\n').length - 2} weights and biases as CSV` });
  }
  if (targets.pytorch || targets.numpy) {
    const dataset = exportDataset(doc, path, io);
    if (targets.pytorch) {
      const result = exportPyTorch(doc, { dataset });
      if (!result.ok) throw new CliError(`${path}: ${result.message}`);
      const dir = targets.pytorch;
      writeOut(dir, () => (io.makeDir ?? ((p) => mkdirSync(p, { recursive: true })))(dir));
      for (const [name, text] of Object.entries(result.project.files)) {
        const file = join(dir, name);
        writeOut(file, () => io.writeText(file, text));
      }
      written.push({ path: dir, what: `PyTorch project: ${Object.keys(result.project.files).join(', ')}` });
    }
    if (targets.numpy) {
      const result = exportNumpy(doc, { dataset });
      if (!result.ok) throw new CliError(`${path}: ${result.message}`);
      const out = targets.numpy;
      writeOut(out, () => io.writeText(out, result.script));
      written.push({ path: out, what: 'NumPy script' });
    }
  }
  if (flags.json) io.out(JSON.stringify({ written }));
  else for (const w of written) io.out(`wrote ${w.path} (${w.what})`);
  return 0;
}

/** The data set a code export embeds: the document's, or none (with a note) when it names none. */
function exportDataset(doc: NetworkDocument, path: string, io: Io): Dataset | undefined {
  if (doc.data.kind === 'none') {
    io.err(`netwright: note: ${path} names no data set; the export has no data`);
    return undefined;
  }
  const loaded = loadDataset(doc.data);
  if (!loaded.ok) throw new CliError(`${path}: ${loaded.message}`);
  return loaded.dataset;
}

/** `import-weights FILE WEIGHTS --out FILE`: trained weights applied to the network they belong to. */
function importWeightsCommand(path: string, weightsPath: string, flags: Flags, io: Io): number {
  const out = flags.out;
  if (!out) throw new CliError('import-weights needs --out FILE (the .netwright file to write)', 2);
  const doc = readDocument(path, io);
  let text: string;
  try {
    text = io.readText(weightsPath);
  } catch (e) {
    throw new CliError(fileErrorMessage(e, `cannot read ${weightsPath}`));
  }
  const result = importWeights(doc, text);
  if (!result.ok) throw new CliError(`${weightsPath}: ${result.message}`);
  const saved = trySerializeDocument({ ...result.doc, training: { ...result.doc.training, initializer: 'document' } });
  if (!saved.ok) throw new CliError(`cannot save: ${saved.message}`);
  writeOut(out, () => io.writeText(out, saved.text));
  // The losses of the imported weights on the document's data, to compare with what train.py printed.
  let losses: { trainLoss: number; testLoss: number | null } | null = null;
  if (doc.data.kind !== 'none') {
    const loaded = loadDataset(doc.data);
    const session = loaded.ok ? createTrainingSession(result.doc, loaded.dataset) : undefined;
    if (session?.ok) losses = session.session.evaluate();
  }
  const lossText = losses === null ? '' : `; train loss ${losses.trainLoss.toPrecision(8)}${losses.testLoss === null ? '' : `, test loss ${losses.testLoss.toPrecision(8)}`}`;
  if (flags.json) io.out(JSON.stringify({ written: out, parameters: result.parameters, trainLoss: losses?.trainLoss ?? null, testLoss: losses?.testLoss ?? null }));
  else io.out(`wrote ${out} (${result.parameters} parameters from ${weightsPath}${lossText})`);
  return 0;
}

/** `import MODEL.onnx --out FILE`. */
function importCommand(path: string, flags: Flags, io: Io): number {
  const out = flags.out;
  if (!out) throw new CliError('import needs --out FILE (the .netwright file to write)', 2);
  let bytes: Uint8Array;
  try {
    bytes = (io.readBytes ?? ((p) => new Uint8Array(readFileSync(p))))(path);
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const name = path.replace(/^.*[\\/]/, '').replace(/\.onnx$/i, '');
  const result = importOnnx(bytes, { name });
  if (!result.ok) throw new CliError(`${path}: ${result.message}`);
  const saved = trySerializeDocument(result.doc);
  if (!saved.ok) throw new CliError(`${path}: ${saved.message}`);
  writeOut(out, () => io.writeText(out, saved.text));
  const params = result.doc.edges.reduce((t, e) => t + (e.weights?.length ?? 0), 0)
    + result.doc.nodes.reduce((t, n) => t + (n.type === 'dense' ? n.bias?.length ?? 0 : n.type === 'neuron' ? 1 : 0), 0);
  if (flags.json) io.out(JSON.stringify({ written: out, nodes: result.doc.nodes.length, parameters: params }));
  else io.out(`wrote ${out} (${result.doc.nodes.length} nodes, ${params} parameters)`);
  return 0;
}

/** The file's earlier curve (if any) followed by this run's, its steps continuing after the earlier last step. */
/** The file's curve, then this run's (whose steps go on from the file's last: the session started there). */
function appendHistory(before: TrainingHistory | undefined, run: TrainingHistory): TrainingHistory {
  if (!before || before.step.length === 0) return run;
  return {
    step: [...before.step, ...run.step],
    trainLoss: [...before.trainLoss, ...run.trainLoss],
    testLoss: [...before.testLoss, ...run.testLoss],
    accuracy: [...before.accuracy, ...run.accuracy],
  };
}
