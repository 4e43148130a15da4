/** atomicWrite against a real temporary folder, including a writer killed (SIGKILL) in the middle of saving. */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { atomicWrite, describeFileError, readTextFile } from '../../src/main/files';
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
const saveOnce = fileURLToPath(new URL('./fixtures/save-once.ts', import.meta.url));

async function saveAsNobody(target: string, text: string): Promise<string> {
  await chmod(dir, 0o755 & ~0o222); // readable and searchable by all, writable by none
  const proc = spawn(process.execPath, ['--import', 'tsx', saveOnce, target, text], {
    cwd: root, uid: 65534, gid: 65534, env: { ...process.env, HOME: tmpdir() }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => proc.on('close', resolve));
  if (code !== 0) throw new Error(`the child failed (${code}): ${err}`);
  return out;
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

describe('readTextFile', () => {
  it('reads text and refuses folders and oversized files with the file name', async () => {
    const file = join(dir, 'a.netwright');
    await writeFile(file, 'hello');
    expect(await readTextFile(file)).toBe('hello');
    await expect(readTextFile(dir)).rejects.toThrow(/is a folder/);
    await expect(readTextFile(file, 3)).rejects.toThrow(/^Could not open a\.netwright: it is 5 bytes, more than the 3 bytes/);
    await expect(readTextFile(join(dir, 'gone.netwright'))).rejects.toThrow('Could not open gone.netwright: it does not exist (it may have been moved or deleted) (ENOENT).');
  });
});
