/** atomicWrite against a real temporary folder, including a writer killed (SIGKILL) in the middle of saving. */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { atomicWrite, describeFileError, readTextFile } from '../../src/main/files';
import { atomicWriteSync, staleTemps, tempHost, tempPathFor } from '../../src/node/files';
import { version } from './fixtures/atomic-writer';

const child = fileURLToPath(new URL('./fixtures/atomic-writer.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netwright-files-'));
});

afterEach(async () => {
  await chmod(dir, 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Everything the child needs, in a folder of its own that 'nobody' can read: src/node/files.ts (which imports only
 * node:*) transpiled to plain JavaScript, and a script that saves once. The child needs neither tsx nor the checkout,
 * which may sit in a private folder (a clone into `mktemp -d` is mode 700).
 */
async function childKit(): Promise<{ folder: string; script: string }> {
  const folder = await mkdtemp(join(tmpdir(), 'netwright-child-'));
  const source = await readFile(new URL('../../src/node/files.ts', import.meta.url), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  await writeFile(join(folder, 'files.mjs'), js);
  await writeFile(join(folder, 'save-once.mjs'), [
    "import { atomicWrite } from './files.mjs';",
    'const [target, text] = process.argv.slice(2);',
    'atomicWrite(target, text).then(() => process.stdout.write("saved"), (e) => process.stdout.write(e instanceof Error ? e.message : String(e)));',
  ].join('\n'));
  await chmod(folder, 0o755);
  return { folder, script: join(folder, 'save-once.mjs') };
}

async function saveAsNobody(target: string, text: string): Promise<string> {
  await chmod(dir, 0o755 & ~0o222); // readable and searchable by all, writable by none
  const kit = await childKit();
  try {
    const proc = spawn(process.execPath, [kit.script, target, text], {
      cwd: kit.folder, uid: 65534, gid: 65534, env: { PATH: process.env.PATH ?? '', HOME: kit.folder }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => proc.on('close', resolve));
    if (code !== 0) throw new Error(`the child failed (${code}): ${err}`);
    return out;
  } finally {
    await rm(kit.folder, { recursive: true, force: true });
  }
}

describe('atomicWrite', () => {
  it('creates a file and replaces it, leaving no temporary file behind', async () => {
    const target = join(dir, 'model.netwright');
    await atomicWrite(target, 'first');
    await atomicWrite(target, 'second, longer');
    expect(await readFile(target, 'utf8')).toBe('second, longer');
    expect(await readdir(dir)).toEqual(['model.netwright']);
  });

  it('writes bytes as they are', async () => {
    const target = join(dir, 'model.onnx');
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) % 256);
    await atomicWrite(target, bytes);
    expect(new Uint8Array(await readFile(target))).toEqual(bytes);
  });

  it('keeps the permissions of the file it replaces', async () => {
    const target = join(dir, 'model.netwright');
    await writeFile(target, 'old');
    await chmod(target, 0o600);
    await atomicWrite(target, 'new');
    expect((await stat(target)).mode & 0o777).toBe(0o600);
  });

  it('leaves the old file intact and says why when the folder is not writable', async () => {
    const target = join(dir, 'model.netwright');
    await writeFile(target, 'the old network');
    await chmod(dir, 0o555);
    // root may write anywhere: then the save runs in a child process as the unprivileged user 'nobody'.
    const message = isRoot ? await saveAsNobody(target, 'the new network') : await atomicWrite(target, 'the new network').then(() => 'saved', (e: unknown) => (e as Error).message);
    expect(message).toBe('Could not save model.netwright: you do not have permission to write there (EACCES).');
    await chmod(dir, 0o755);
    expect(await readFile(target, 'utf8')).toBe('the old network');
    expect(await readdir(dir)).toEqual(['model.netwright']);
  });

  it('says which folder is missing', async () => {
    const error = await atomicWrite(join(dir, 'nope', 'model.netwright'), 'x').then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).toBe('Could not save model.netwright: the folder does not exist (ENOENT).');
  });

  it('refuses to replace a folder, leaving it alone and no temporary file', async () => {
    const target = join(dir, 'model.netwright');
    await atomicWrite(join(target, 'inner.txt'), 'x').catch(() => undefined);
    await import('node:fs/promises').then((fs) => fs.mkdir(target));
    await expect(atomicWrite(target, 'x')).rejects.toThrow(/^Could not save model\.netwright: /);
    expect((await stat(target)).isDirectory()).toBe(true);
    expect(await readdir(dir)).toEqual(['model.netwright']);
  });

  it('describes a full disk in words', () => {
    const error = describeFileError(Object.assign(new Error('no space'), { code: 'ENOSPC' }), 'save', '/x/model.netwright');
    expect(error.message).toBe('Could not save model.netwright: the disk is full (ENOSPC).');
  });

  it('a writer killed at random moments leaves the old or the new file, never a torn one', async () => {
    const target = join(dir, 'model.netwright');
    const size = 4 * 1024 * 1024;
    await atomicWrite(target, version(0, size));
    let kills = 0;
    for (let round = 0; round < 8; round++) {
      const proc = spawn(process.execPath, ['--import', 'tsx', child, target, String(size)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      // Wait for the child to be saving (its first completed save), then let it run a random number of further saves' worth.
      const savesBeforeKill = 1 + Math.floor(Math.random() * 3);
      await new Promise<void>((resolve, reject) => {
        let out = '';
        proc.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if ((out.match(/saved/g) ?? []).length >= savesBeforeKill) {
            // kill a little later, at a random point of the next save
            setTimeout(() => {
              proc.kill('SIGKILL');
              resolve();
            }, Math.floor(Math.random() * 15));
            proc.stdout.removeAllListeners('data');
          }
        });
        proc.on('exit', (code, signal) => {
          if (signal !== 'SIGKILL') reject(new Error(`writer exited (${code}) before it was killed: ${stderr}`));
        });
      });
      await new Promise((r) => proc.once('close', r));
      kills++;
      const text = await readFile(target, 'utf8');
      const k = Number(/^version (\d+)\n/.exec(text)?.[1]);
      expect(Number.isInteger(k)).toBe(true);
      expect(text).toBe(version(k, size));
    }
    expect(kills).toBe(8);
    // the temporary files of killed writers are cleaned up by the next save
    await atomicWrite(target, 'after');
    expect(await readdir(dir)).toEqual(['model.netwright']);
  }, 60_000);
});

describe('temp files name their host', () => {
  it('a temp name holds this host and this process', () => {
    const name = tempPathFor(join(dir, 'model.netwright'));
    expect(name.startsWith(join(dir, `.model.netwright.${tempHost()}.${process.pid}.`))).toBe(true);
    expect(tempHost('build.example.org')).toBe('build_example_org');
  });

  it("cleanup removes only this host's temp files of dead processes, never another machine's", async () => {
    const target = join(dir, 'model.netwright');
    const dead = 4_194_000 + Math.floor(Math.random() * 300); // above Linux's pid_max: never a running process here
    const mine = `.model.netwright.${tempHost()}.${dead}.aaaaaaaaaaaa.tmp`;
    const otherHost = `.model.netwright.other-machine.${dead}.bbbbbbbbbbbb.tmp`;
    const legacy = `.model.netwright.${dead}.cccccccccccc.tmp`;
    const live = `.model.netwright.${tempHost()}.${process.pid}.dddddddddddd.tmp`;
    for (const name of [mine, otherHost, legacy, live]) await writeFile(join(dir, name), 'partial');
    expect(staleTemps(target, [mine, otherHost, legacy, live])).toEqual([join(dir, mine)]);
    await atomicWrite(target, 'saved');
    expect((await readdir(dir)).sort()).toEqual([otherHost, legacy, live, 'model.netwright'].sort());
    await writeFile(join(dir, mine), 'partial');
    atomicWriteSync(target, 'saved again');
    expect((await readdir(dir)).sort()).toEqual([otherHost, legacy, live, 'model.netwright'].sort());
    expect(await readFile(target, 'utf8')).toBe('saved again');
  });
});

describe('atomicWriteSync (the command line)', () => {
  it('replaces a file whole and keeps its permissions', async () => {
    const target = join(dir, 'model.netwright');
    await writeFile(target, 'old');
    await chmod(target, 0o600);
    atomicWriteSync(target, 'new and longer');
    expect(await readFile(target, 'utf8')).toBe('new and longer');
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['model.netwright']);
  });

  it('on a failed write leaves the old file and no temp file, and says why', async () => {
    const target = join(dir, 'model.netwright');
    await writeFile(target, 'old');
    expect(() => atomicWriteSync(join(dir, 'nope', 'x.netwright'), 'x')).toThrow('Could not save x.netwright: the folder does not exist (ENOENT).');
    expect(await readFile(target, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['model.netwright']);
  });
});

describe('readTextFile', () => {
  it('refuses invalid UTF-8 with the byte offset', async () => {
    const file = join(dir, 'a.netwright');
    await writeFile(file, Uint8Array.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]));
    await expect(readTextFile(file)).rejects.toThrow('Could not open a.netwright: This file is not valid UTF-8 text: the byte at offset 2 (0xc3)');
  });

  it('reads text and refuses folders and oversized files with the file name', async () => {
    const file = join(dir, 'a.netwright');
    await writeFile(file, 'hello');
    expect(await readTextFile(file)).toBe('hello');
    await expect(readTextFile(dir)).rejects.toThrow(/is a folder/);
    await expect(readTextFile(file, 3)).rejects.toThrow(/^Could not open a\.netwright: it is 5 bytes, more than the 3 bytes/);
    await expect(readTextFile(join(dir, 'gone.netwright'))).rejects.toThrow('Could not open gone.netwright: it does not exist (it may have been moved or deleted) (ENOENT).');
  });
});
