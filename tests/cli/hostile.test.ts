/** The CLI against hostile files and unlucky moments: escape sequences in names, bad UTF-8, atomic --out, Ctrl-C, long runs. */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type Io } from '../../src/cli/commands';
import { BoundedSeries } from '../../src/cli/curve';
import { nodeIo } from '../../src/cli/nodeIo';
import { escapeControls } from '../../src/cli/terminal';
import type { NetworkDocument } from '../../src/core/document';
import { parseDocument, serializeDocument } from '../../src/core/serialize';
import { findTemplate } from '../../src/core/templates';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'netwright.mjs');
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netwright-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function memory(files: Record<string, string>, extra: Partial<Io> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const written: Record<string, string> = {};
  const io: Io = {
    readText: (p) => {
      if (p in files) return files[p]!;
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    },
    writeText: (p, t) => void (written[p] = t),
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    ...extra,
  };
  return { io, out, err, written };
}

const ESC = '\u001b';
const hostileNames = [`${ESC}]0;pwned${'\u0007'}`, `${ESC}[2J${ESC}[H`, `${ESC}]52;c;cm0gLXJmIH4=${'\u0007'}`, 'a\u009b31mred', 'x\rover'];

describe('terminal escape sequences from a file never reach the terminal raw', () => {
  it('escapeControls writes control characters as \\uXXXX and keeps new lines and tabs', () => {
    expect(escapeControls(`a${ESC}[2Jb\u0007\u009b\u202e\n\tc`)).toBe('a\\u001b[2Jb\\u0007\\u009b\\u202e\n\tc');
  });

  it.each(['info', 'info --json', 'forward --input 1,2 --trace', 'forward --input 1,2 --trace --json'])('%s prints names with escape sequences inert', (args) => {
    const doc: NetworkDocument = findTemplate('worked-example')!.build();
    doc.name = hostileNames[0]!;
    doc.nodes.forEach((n, i) => (n.name = hostileNames[(i + 1) % hostileNames.length]!));
    const m = memory({ 'w.netwright': serializeDocument(doc) });
    runCli([...args.split(' ').slice(0, 1), 'w.netwright', ...args.split(' ').slice(1)], m.io);
    const all = [...m.out, ...m.err].join('\n');
    expect(all.length).toBeGreaterThan(0);
    // eslint-disable-next-line no-control-regex
    expect(all).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    if (args.includes('--json')) expect(() => JSON.parse(m.out.join('\n'))).not.toThrow();
  });

  it('an error message quoting a file name or value is escaped too', () => {
    const m = memory({});
    runCli(['info', `${ESC}]0;x\u0007.netwright`], m.io);
    expect(m.err.join('\n')).toContain('\\u001b]0;x\\u0007.netwright');
  });
});

describe('reading files from disk', () => {
  it('refuses invalid UTF-8 with the byte offset instead of reading U+FFFD', async () => {
    const file = join(dir, 'bad.netwright');
    const text = serializeDocument(findTemplate('worked-example')!.build());
    const bytes = Buffer.from(text, 'utf8');
    const at = text.indexOf('Worked');
    await writeFile(file, Buffer.concat([bytes.subarray(0, at), Buffer.from([0xfe]), bytes.subarray(at)]));
    const m = memory({});
    const code = runCli(['info', file], { ...nodeIo(), out: m.io.out, err: m.io.err });
    expect(code).toBe(1);
    expect(m.err.join('\n')).toBe(`netwright: Could not open bad.netwright: This file is not valid UTF-8 text: the byte at offset ${at} (0xfe) does not belong to a UTF-8 character. Re-save it as UTF-8.`);
  });

  it('--out replaces the file by an atomic rename (a new file in place, never the old one truncated and rewritten)', async () => {
    const file = join(dir, 'w.netwright');
    await writeFile(file, serializeDocument(findTemplate('xor')!.build()));
    const before = (await stat(file)).ino;
    const m = memory({});
    const code = runCli(['train', file, '--epochs', '2', '--out', file], { ...nodeIo(), out: m.io.out, err: m.io.err });
    expect(code).toBe(0);
    expect((await stat(file)).ino).not.toBe(before);
    expect(parseDocument(await readFile(file, 'utf8')).ok).toBe(true);
  });
});

describe('long runs and Ctrl-C', () => {
  it('BoundedSeries keeps at most cap + 1 points, evenly thinned, the newest last', () => {
    const s = new BoundedSeries<number>(8);
    for (let i = 1; i <= 1000; i++) s.push(i);
    const v = s.values();
    expect(v.length).toBeLessThanOrEqual(9);
    expect(v[0]).toBe(1);
    expect(v[v.length - 1]).toBe(1000);
    expect([...v].sort((a, b) => a - b)).toEqual(v);
  });

  it('train keeps a bounded history however many epochs run (--json and the saved curve)', () => {
    const m = memory({ 'x.netwright': serializeDocument(findTemplate('xor')!.build()) }, { historyPoints: 16 });
    const code = runCli(['train', 'x.netwright', '--epochs', '200', '--json', '--out', 'o.netwright'], m.io);
    expect(code).toBe(0);
    const report = JSON.parse(m.out.join('\n')) as { epochs: { epoch: number }[] };
    expect(report.epochs.length).toBeLessThanOrEqual(17);
    expect(report.epochs[report.epochs.length - 1]!.epoch).toBe(200);
    const saved = parseDocument(m.written['o.netwright']!);
    expect(saved.ok && saved.doc.history!.step.length).toBeLessThanOrEqual(17);
  });

  it('an interrupt during train --out writes the weights reached so far and says so (exit 130)', () => {
    let polls = 0;
    const m = memory({ 'x.netwright': serializeDocument(findTemplate('xor')!.build()) }, { interrupted: () => ++polls > 5 });
    const code = runCli(['train', 'x.netwright', '--epochs', '1000', '--out', 'o.netwright'], m.io);
    expect(code).toBe(130);
    expect(m.err.join('\n')).toContain('netwright: interrupted after epoch 5 of 1000; wrote o.netwright with the weights reached so far');
    const saved = parseDocument(m.written['o.netwright']!);
    expect(saved.ok && saved.doc.history!.step.length).toBe(5);
  });

  it('Ctrl-C (SIGINT) to the real CLI during train --out stops, writes the file atomically and exits 130', async () => {
    const file = join(dir, 'x.netwright');
    const out = join(dir, 'out.netwright');
    await writeFile(file, serializeDocument(findTemplate('spiral')!.build()));
    const proc = spawn(process.execPath, [bin, 'train', file, '--epochs', '100000000', '--out', out], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        if ((stdout.match(/^epoch /gm) ?? []).length >= 3) resolve();
      });
      proc.on('exit', () => reject(new Error(`exited before Ctrl-C: ${stderr}`)));
    });
    proc.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => proc.on('close', (c) => resolve(c)));
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted after epoch \d+ of 100000000; wrote .*out\.netwright with the weights reached so far/);
    const saved = parseDocument(await readFile(out, 'utf8'));
    expect(saved.ok).toBe(true);
    expect(saved.ok && saved.doc.history!.step.length).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
