/**
 * Plain Node file helpers shared by the app's main process and the command line: the atomic write (temp file in the
 * same folder, fsync, rename, fsync the folder), its synchronous twin for the CLI, reading with a size limit, and file
 * errors in words. Only node:* imports here (no Electron, nothing of the app), so a test can transpile this one file
 * and run it as another user from a folder of its own.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

/** Files larger than this are not read: a network file with embedded CSV is megabytes, not gigabytes. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** A file operation that failed, with a message for the user ("Could not save model.netwright: …"). */
export class FileError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'FileError';
    this.code = code;
  }
}

const REASONS: Record<string, string> = {
  EACCES: 'you do not have permission to write there',
  EPERM: 'the system did not allow it (the file or folder may be locked or read-only)',
  ENOSPC: 'the disk is full',
  EDQUOT: 'your disk quota is used up',
  EROFS: 'the disk is read-only',
  ENOENT: 'the folder does not exist',
  ENOTDIR: 'part of the path is not a folder',
  EISDIR: 'there is a folder of that name',
  EMFILE: 'too many files are open',
  EBUSY: 'the file is in use',
  EIO: 'the disk reported an input/output error',
  ENAMETOOLONG: 'the name is too long',
};

/** "Could not save model.netwright: the disk is full (ENOSPC)." */
export function describeFileError(error: unknown, action: 'save' | 'open' | 'read', path: string): FileError {
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  if (error instanceof FileError) return error;
  const readReasons: Record<string, string> = { EACCES: 'you do not have permission to read it', ENOENT: 'it does not exist (it may have been moved or deleted)' };
  const reason = (action !== 'save' && code ? readReasons[code] : undefined)
    ?? (code ? REASONS[code] : undefined)
    ?? (error instanceof Error ? error.message : String(error));
  return new FileError(`Could not ${action} ${basename(path)}: ${reason}${code ? ` (${code})` : ''}.`, code);
}

/**
 * This machine's name as it appears in temp names: letters, digits and '-' only (dots would split the name wrongly).
 * A temp file names its host and process, so cleanup on a shared folder only ever removes this machine's leftovers.
 */
export function tempHost(name = hostname()): string {
  return name.replace(/[^A-Za-z0-9-]/g, '_').slice(0, 64) || 'host';
}

const tempPrefix = (target: string) => `.${basename(target)}.`;

/** `.model.netwright.<host>.<pid>.<random>.tmp`, in the target's folder. */
export function tempPathFor(target: string, host = tempHost(), pid = process.pid): string {
  return join(dirname(target), `${tempPrefix(target)}${host}.${pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * The temp files of earlier saves of `target` that this machine may remove: named with this host and a process of
 * this machine that is gone (killed mid-save). Another host's temp file, or one without a host, is never touched:
 * its PID means nothing here.
 */
export function staleTemps(target: string, names: readonly string[], host = tempHost(), isAlive: (pid: number) => boolean = isRunning): string[] {
  const prefix = `${tempPrefix(target)}${host}.`;
  const out: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const rest = name.slice(prefix.length).split('.');
    if (rest.length !== 3) continue;
    const pid = Number(rest[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    out.push(join(dirname(target), name));
  }
  return out;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/** Write data so that `path` holds either its old content or all of the new one, never a part. */
export async function atomicWrite(path: string, data: string | Uint8Array): Promise<void> {
  const target = resolve(path);
  const dir = dirname(target);
  const temp = tempPathFor(target);
  let created = false;
  try {
    await removeStaleTemps(target);
    let mode = 0o644;
    try {
      mode = (await stat(target)).mode & 0o777;
    } catch {
      // a new file
    }
    const handle = await open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode);
    created = true;
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    created = false;
    await syncDirectory(dir);
  } catch (error) {
    if (created) await unlink(temp).catch(() => undefined);
    throw describeFileError(error, 'save', target);
  }
}

/** atomicWrite for synchronous callers (the command line): the same steps, the same guarantees. Throws FileError. */
export function atomicWriteSync(path: string, data: string | Uint8Array): void {
  const target = resolve(path);
  const dir = dirname(target);
  const temp = tempPathFor(target);
  let created = false;
  try {
    try {
      for (const stale of staleTemps(target, readdirSync(dir))) {
        try {
          unlinkSync(stale);
        } catch {
          // gone already
        }
      }
    } catch {
      // an unreadable folder: the write below says why
    }
    let mode = 0o644;
    try {
      mode = statSync(target).mode & 0o777;
    } catch {
      // a new file
    }
    const fd = openSync(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode);
    created = true;
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
    created = false;
    if (process.platform !== 'win32') {
      try {
        const dfd = openSync(dir, 'r');
        try {
          fsyncSync(dfd);
        } finally {
          closeSync(dfd);
        }
      } catch {
        // some file systems refuse; the data itself is already synced
      }
    }
  } catch (error) {
    if (created) {
      try {
        unlinkSync(temp);
      } catch {
        // nothing to remove
      }
    }
    throw describeFileError(error, 'save', target);
  }
}

/** Remove temporary files of earlier saves of `target` whose writer process on this machine is gone. */
async function removeStaleTemps(target: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dirname(target));
  } catch {
    return;
  }
  for (const stale of staleTemps(target, names)) await unlink(stale).catch(() => undefined);
}

/** Make the rename durable where the platform allows fsync on a directory (not on Windows). */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // some file systems refuse; the data itself is already synced
  }
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(0)} MB` : `${n} bytes`;
}
