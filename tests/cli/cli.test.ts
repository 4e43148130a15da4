import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, type Io } from '../../src/cli/commands';
import { DEFAULT_TRAINING } from '../../src/core/document';
import { parseDocument, serializeDocument } from '../../src/core/serialize';
import { findTemplate } from '../../src/core/templates';

const WORKED = readFileSync('examples/worked-example.netwright', 'utf8');

function memoryIo(files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const written: Record<string, string> = {};
  const io: Io = {
    readText(path) {
      if (path in files) return files[path];
      throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    },
    writeText(path, text) {
      written[path] = text;
    },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  };
  return { io, out, err, written };
}

function run(argv: string[], files: Record<string, string> = {}) {
  const m = memoryIo(files);
  const code = runCli(argv, m.io);
  return { code, stdout: m.out.join('\n'), stderr: m.err.join('\n'), written: m.written };
}

const template = (id: string) => serializeDocument(findTemplate(id)!.build());

describe('netwright info', () => {
  it('reports 9 parameters and their memory for the worked example', () => {
    const r = run(['info', 'w.netwright'], { 'w.netwright': WORKED });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/parameters\s+9\b/);
    expect(r.stdout).toContain('36 B fp32 · 24 B fp16 · 33 B int8');
    expect(r.stdout).toContain('no problems');
  });

  it('lists validation errors and exits 1 for an invalid network', () => {
    const doc = JSON.parse(WORKED);
    doc.edges = doc.edges.filter((e: { target: string }) => e.target !== 'h2');
    const r = run(['info', 'bad.netwright', '--json'], { 'bad.netwright': JSON.stringify(doc) });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.errors.some((e: { nodeIds: string[] }) => e.nodeIds.includes('h2'))).toBe(true);
  });
});

describe('netwright forward', () => {
  it('traces the textbook numbers z1 = 0.2, z2 = 0.9, z = -0.2 and outputs 0.450166', () => {
    const r = run(['forward', 'w.netwright', '--input', '1,2', '--trace'], { 'w.netwright': WORKED });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/h1\s+z = 0\.2\s+a = 0\.2/);
    expect(r.stdout).toMatch(/h2\s+z = 0\.9\s+a = 0\.9/);
    expect(r.stdout).toMatch(/out\s+z = -0\.2\s+a = 0\.450166/);
    expect(r.stdout).toContain('output y=0.450166');
  });

  it('takes a negative input after a space (--input -1,2) and the typographic minus (−1, U+2212) (item 8)', () => {
    const expected = run(['forward', 'w.netwright', '--input=-1,2', '--json'], { 'w.netwright': WORKED });
    expect(expected.code).toBe(0);
    for (const argv of [['--input', '-1,2'], ['--input', '\u22121,2'], ['--input=\u22121,2'], ['--input', '-.5,2']]) {
      const r = run(['forward', 'w.netwright', ...argv, '--json'], { 'w.netwright': WORKED });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      if (argv.at(-1) !== '-.5,2') expect(JSON.parse(r.stdout)).toEqual(JSON.parse(expected.stdout));
      else expect(JSON.parse(r.stdout)[0].input).toEqual([-0.5, 2]);
    }
    expect(run(['train', 'w.netwright', '--lr', '\u22120.1'], { 'w.netwright': WORKED }).stderr).toMatch(/--lr \u22120\.1: /);
  });

  it('gives the same numbers as JSON, for several inputs', () => {
    const r = run(['forward', 'w.netwright', '--input', '1,2', '--input', '0,0', '--json'], { 'w.netwright': WORKED });
    const results = JSON.parse(r.stdout);
    expect(results).toHaveLength(2);
    expect(results[0].output[0]).toBeCloseTo(1 / (1 + Math.exp(0.2)), 6);
    // x = 0: h1 = relu(0.3) = 0.3, h2 = relu(-0.1) = 0, out = sigmoid(0.3 - 0 + 0.5)
    expect(results[1].output[0]).toBeCloseTo(1 / (1 + Math.exp(-0.8)), 6);
  });

  it.each([
    [['forward', 'w.netwright'], /needs --input with 2 numbers \(x1, x2\)/],
    [['forward', 'w.netwright', '--input', '1,2,3'], /has 3 values; the network takes 2/],
    [['forward', 'w.netwright', '--input', '1,abc'], /value 2 \("abc"\) is not a number/],
  ])('refuses bad input %j with a one-line message', (argv, message) => {
    const r = run(argv as string[], { 'w.netwright': WORKED });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n')).toHaveLength(1);
  });
});

describe('netwright train', () => {
  it('binds Inputs and targets to a data set by position when their counts match, and says so (item 10)', () => {
    const r = run(['train', 'w.netwright', '--dataset', 'xor', '--epochs', '2'], { 'w.netwright': WORKED });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('bound in order: x1 ← x, x2 ← y');
    expect(r.stderr).toContain('bound in order: y ← label');
    expect(r.stdout).toMatch(/epoch\s+2\s+train loss/);
  });

  it('does not bind by position when the counts differ: it names the missing feature', () => {
    const r = run(['train', 'w.netwright', '--dataset', 'iris', '--epochs', '1'], { 'w.netwright': WORKED });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/"x1" reads the feature "x1", which the data does not have/);
  });

  it('trains Iris from its template, prints per-epoch accuracy and writes a file that loads back', () => {
    const r = run(['train', 'iris.netwright', '--epochs', '30', '--lr', '0.05', '--optimizer', 'adam', '--out', 'trained.netwright', '--json'], { 'iris.netwright': template('iris') });
    expect(r.code).toBe(0);
    const { epochs } = JSON.parse(r.stdout);
    expect(epochs).toHaveLength(30);
    expect(epochs[29].trainLoss).toBeLessThan(epochs[0].trainLoss);
    expect(epochs[29].testAccuracy).toBeGreaterThan(0.9);
    const parsed = parseDocument(r.written['trained.netwright']);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.doc.training.optimizer).toBe('adam');
      expect(parsed.doc.edges.filter((e) => e.weights).length).toBeGreaterThan(0);
    }
  });

  it('trains on a CSV given on the command line, ignoring text columns', () => {
    const rows = ['name,a,b,label'];
    for (let i = 0; i < 40; i++) rows.push(`p${i},${i % 2 ? 1 : -1},${(i * 7) % 5},${i % 2 ? 'yes' : 'no'}`);
    const doc = JSON.parse(template('xor'));
    for (const n of doc.nodes) {
      if (n.type === 'input') n.features = [n.features[0] === 'x' ? 'a' : 'b'];
    }
    const r = run(['train', 'n.netwright', '--csv', 'd.csv', '--target', 'label', '--epochs', '3'], { 'n.netwright': JSON.stringify(doc), 'd.csv': rows.join('\n') });
    expect(r.stderr).toContain('column "name" is not numeric; ignored');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('epoch'))).toHaveLength(3);
  });

  it('refuses a CSV column named __proto__ by name, instead of dropping it silently', () => {
    const r = run(['train', 'w.netwright', '--csv', 'c.csv', '--target', 'y'], { 'w.netwright': WORKED, 'c.csv': '__proto__,x2,y\n1,2,1\n3,4,0\n5,6,1\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('netwright: c.csv: a column is named "__proto__", which a network file cannot store as a column name; rename it');
  });

  it.each([
    [['train', 'x.netwright', '--epochs', '0'], /--epochs 0: must be a positive whole number/],
    [['train', 'x.netwright', '--optimizer', 'rmsprop'], /--optimizer rmsprop: must be one of sgd, momentum, adam/],
    [['train', 'x.netwright', '--dataset', 'mnist'], /unknown data set "mnist"/],
    [['train', 'x.netwright', '--csv', 'd.csv'], /--csv needs --target COLUMN/],
    [['train', 'x.netwright', '--dataset', 'xor', '--csv', 'd.csv'], /use --dataset or --csv, not both/],
    [['train', 'w.netwright'], /names no data set/],
    [['train', 'x.netwright', '--standardize'], /--standardize applies to CSV data only/],
    [['train', 'x.netwright', '--csv', 'd.csv', '--target', 'y', '--standardize', '--no-standardize'], /use --standardize or --no-standardize, not both/],
  ])('refuses %j with a one-line message', (argv, message) => {
    const noData = JSON.stringify({ ...JSON.parse(WORKED), data: { kind: 'none' } });
    const r = run(argv as string[], { 'x.netwright': template('xor'), 'w.netwright': noData });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('netwright train: every setting and where it comes from', () => {
  const csv = ['a,b,y', ...Array.from({ length: 20 }, (_, i) => `${i},${(i * 7) % 5},${i % 2}`)].join('\n');
  const csvNet = () => {
    const doc = JSON.parse(template('xor'));
    for (const n of doc.nodes) if (n.type === 'input') n.features = [n.features[0] === 'x' ? 'a' : 'b'];
    for (const n of doc.nodes) if (n.type === 'output') n.targets = ['y'];
    return JSON.stringify(doc);
  };
  const settingsOf = (r: { stdout: string }) => r.stdout.split('\n').filter((l) => l.startsWith('settings') || l.startsWith('data ')).join(' · ');

  it('train --help names every training setting and every data setting, each with its source', () => {
    const r = run(['train', '--help']);
    expect(r.code).toBe(0);
    const fields = [...Object.keys(DEFAULT_TRAINING), 'clipNorm', 'initialValue', 'noise', 'trainRatio', 'standardize', 'samples', 'features'];
    for (const field of fields) expect(r.stdout).toMatch(new RegExp(`^\\s+(\\S+, )*${field}\\b.*(--|the file)`, 'm'));
    for (const flag of ['--optimizer', '--lr', '--batch', '--epochs', '--seed', '--data-seed', '--dataset', '--csv', '--target', '--noise', '--train-ratio', '--standardize', '--no-standardize', '--out', '--json']) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toMatch(/seed +the split's seed +--data-seed S, else the file's data\.seed/);
  });

  it('prints the settings it uses before the first epoch: flags marked as flags, the rest as the file', () => {
    const r = run(['train', 'x.netwright', '--epochs', '2', '--lr', '0.1'], { 'x.netwright': template('xor') });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^settings {2}optimizer adam \(file\) · learningRate 0\.1 \(--lr\) · batchSize 10 \(file\) · epochs 2 \(--epochs\) · seed 1 \(file\) · /);
    expect(lines[1]).toBe('data      data xor (file) · noise 0 (file) · trainRatio 0.8 (file) · split seed 1 (file)');
    expect(lines[2]).toMatch(/^epoch +1 /);
    // docs/file-format.md § 8 quotes this run.
    const doc = readFileSync('docs/file-format.md', 'utf8').replace(/\s*\n\s*/g, ' ');
    expect(doc).toContain(`\`${lines[0]!.slice(0, lines[0]!.indexOf(' · seed'))} · …\``);
    expect(doc).toContain(`\`${lines[1]}\``);
  });

  it('--csv: standardisation on and a train ratio of 0.8 unless told, both printed; the flags change them and --out keeps them', () => {
    const files = { 'n.netwright': csvNet(), 'd.csv': csv };
    const defaults = run(['train', 'n.netwright', '--csv', 'd.csv', '--target', 'y', '--epochs', '1'], files);
    expect(defaults.code).toBe(0);
    expect(settingsOf(defaults)).toContain('standardize true (--csv default) · trainRatio 0.8 (--csv default)');
    const told = run(['train', 'n.netwright', '--csv', 'd.csv', '--target', 'y', '--epochs', '1', '--no-standardize', '--train-ratio', '0.5', '--out', 'o.netwright', '--json'], files);
    expect(told.code).toBe(0);
    const settings = (JSON.parse(told.stdout) as { settings: { name: string; value: unknown; from: string }[] }).settings;
    expect(settings).toContainEqual({ name: 'standardize', value: false, from: '--no-standardize' });
    expect(settings).toContainEqual({ name: 'trainRatio', value: 0.5, from: '--train-ratio' });
    const saved = parseDocument(told.written['o.netwright']!);
    if (!saved.ok) throw new Error(saved.message);
    expect(saved.doc.data).toMatchObject({ kind: 'csv', standardize: false, trainRatio: 0.5 });
    // Trained again from that file, the file's CSV settings count, and a flag still overrides them.
    const again = run(['train', 'o.netwright', '--epochs', '1', '--standardize'], { 'o.netwright': told.written['o.netwright']! });
    expect(again.code).toBe(0);
    expect(settingsOf(again)).toContain('standardize true (--standardize) · trainRatio 0.5 (file)');
  });
});

describe('netwright errors', () => {
  it.each([
    [['frobnicate'], /unknown command "frobnicate"/, 2],
    [['info'], /info takes one FILE \(got 0\)/, 2],
    [['info', 'missing.netwright'], /cannot read missing\.netwright: ENOENT/, 1],
    [['info', 'junk.netwright'], /junk\.netwright: .*JSON/i, 1],
    [['info', '--bogus'], /Unknown option '--bogus'/, 2],
  ])('%j ends with one line and exit code %s', (argv, message, code) => {
    const r = run(argv as string[], { 'junk.netwright': '{"format": "netwright", ' });
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the netwright binary', () => {
  it('runs as a real process and prints no stack trace on a bad file', () => {
    const ok = execFileSync(process.execPath, ['bin/netwright.mjs', 'info', 'examples/worked-example.netwright'], { encoding: 'utf8' });
    expect(ok).toMatch(/parameters\s+9/);
    const bad = spawnSync(process.execPath, ['bin/netwright.mjs', 'forward', 'package.json', '--input', '1'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^netwright: package\.json: /);
  });
});
