/**
 * Main's file logic as plain functions over node:fs/promises, tested against real temporary folders:
 * atomic saves, reading with a size limit, the recent-files list, crash-recovery autosave, paths from the command
 * line, and the set of paths a window may write to. No Electron here: files-ipc.ts wires these to dialogs and IPC.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';

export const NETWORK_EXTENSION = '.netwright';
/** Files larger than this are not read: a network file with embedded CSV is megabytes, not gigabytes. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
export const MAX_RECENT = 10;

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

/** Write data so that `path` holds either its old content or all of the new one, never a part. */
export async function atomicWrite(path: string, data: string | Uint8Array): Promise<void> {
  const target = resolve(path);
  const dir = dirname(target);
  const temp = join(dir, `${tempPrefix(target)}${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
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

const tempPrefix = (target: string) => `.${basename(target)}.`;

/** Remove temporary files of earlier saves of `target` whose writer process is gone (killed mid-save). */
async function removeStaleTemps(target: string): Promise<void> {
  const prefix = tempPrefix(target);
  let names: string[];
  try {
    names = await readdir(dirname(target));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isRunning(pid)) continue;
    await unlink(join(dirname(target), name)).catch(() => undefined);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
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

/** A text file's content, refusing folders and files over `maxBytes`. Throws FileError. */
export async function readTextFile(path: string, maxBytes = MAX_FILE_BYTES): Promise<string> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new FileError(`Could not open ${basename(path)}: it is a folder.`, 'EISDIR');
    if (info.size > maxBytes) throw new FileError(`Could not open ${basename(path)}: it is ${formatBytes(info.size)}, more than the ${formatBytes(maxBytes)} a network file can be.`, 'EFBIG');
    return await readFile(path, 'utf8');
  } catch (error) {
    throw describeFileError(error, 'open', path);
  }
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(0)} MB` : `${n} bytes`;
}

export const isNetworkPath = (path: string): boolean => extname(path).toLowerCase() === NETWORK_EXTENSION;

// ---- recent files ----

const recentFile = (userData: string) => join(userData, 'recent-files.json');

/** The recent files, newest first (an unreadable or damaged list is an empty one). */
export async function readRecent(userData: string): Promise<string[]> {
  try {
    const parsed: unknown = JSON.parse(await readFile(recentFile(userData), 'utf8'));
    if (!Array.isArray(parsed)) return [];
    return dedupe(parsed.filter((p): p is string => typeof p === 'string' && p.length > 0 && p.length < 4096)).slice(0, MAX_RECENT);
  } catch {
    return [];
  }
}

function dedupe(paths: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of paths) {
    const key = pathKey(p);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(resolve(p));
  }
  return out;
}

/** Paths compare case-insensitively on Windows and macOS (their usual file systems), exactly elsewhere. */
export function pathKey(path: string, platform: NodeJS.Platform = process.platform): string {
  const full = resolve(path);
  return platform === 'win32' || platform === 'darwin' ? full.toLowerCase() : full;
}

/** Put `path` first in the recent list (once), keep at most MAX_RECENT. Returns the new list. */
export async function addRecent(userData: string, path: string): Promise<string[]> {
  const list = dedupe([resolve(path), ...(await readRecent(userData))]).slice(0, MAX_RECENT);
  await mkdir(userData, { recursive: true });
  await atomicWrite(recentFile(userData), `${JSON.stringify(list, null, 2)}\n`);
  return list;
}

export async function removeRecent(userData: string, path: string): Promise<string[]> {
  const key = pathKey(path);
  const list = (await readRecent(userData)).filter((p) => pathKey(p) !== key);
  await mkdir(userData, { recursive: true });
  await atomicWrite(recentFile(userData), `${JSON.stringify(list, null, 2)}\n`);
  return list;
}

export async function clearRecent(userData: string): Promise<void> {
  await mkdir(userData, { recursive: true });
  await atomicWrite(recentFile(userData), '[]\n');
}

// ---- crash recovery ----
//
// This run autosaves to recovery/unsaved.json. At start, a copy left there by a run that did not close cleanly is
// moved to recovery/previous.json (startRecovery) before this run autosaves anything, so it cannot be overwritten
// before the user has chosen to recover or discard it. A clean close or a save removes unsaved.json.

export interface Recovery {
  /** The document's text as the renderer last sent it. */
  text: string;
  /** When it was written (ms since the epoch). */
  savedAt: number;
  /** The file it belongs to, if it had been saved or opened. */
  path?: string;
}

const autosaveFile = (userData: string) => join(userData, 'recovery', 'unsaved.json');
const previousFile = (userData: string) => join(userData, 'recovery', 'previous.json');

/** Keep the unsaved document in the app's data folder (atomically, so a crash mid-write leaves the previous copy). */
export async function autosave(userData: string, docText: string, path?: string, now = Date.now()): Promise<void> {
  const file = autosaveFile(userData);
  await mkdir(dirname(file), { recursive: true });
  const record: Recovery = path === undefined ? { text: docText, savedAt: now } : { text: docText, savedAt: now, path };
  await atomicWrite(file, JSON.stringify(record));
}

/** This run saved or closed cleanly: its autosave is not needed. */
export async function clearAutosave(userData: string): Promise<void> {
  await unlink(autosaveFile(userData)).catch(() => undefined);
}

/**
 * At start: set aside what an earlier run left (it did not close cleanly), so this run's autosaves never overwrite it.
 * The newest unsaved work wins: a leftover autosave replaces an older, never-decided recovery copy.
 */
export async function startRecovery(userData: string): Promise<void> {
  try {
    await rename(autosaveFile(userData), previousFile(userData));
  } catch {
    // nothing was left
  }
}

/** The unsaved document an earlier run left, if any (after startRecovery). */
export async function findRecovery(userData: string): Promise<Recovery | undefined> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(previousFile(userData), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { text, savedAt, path } = raw as Record<string, unknown>;
  if (typeof text !== 'string' || typeof savedAt !== 'number') return undefined;
  return typeof path === 'string' ? { text, savedAt, path } : { text, savedAt };
}

/** The user recovered or discarded the earlier run's document. */
export async function clearRecovery(userData: string): Promise<void> {
  await unlink(previousFile(userData)).catch(() => undefined);
}

// ---- command line ----

/**
 * The network files named on a command line (`netwright model.netwright`), as absolute paths. Skips the
 * executable, the app's own script in development, switches (`--foo`), and anything that is not a .netwright file.
 * `second-instance` gives the other instance's argv and working directory; pass them here.
 */
export function pathsFromArgv(argv: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-') || !isNetworkPath(arg)) continue;
    const full = resolve(cwd, arg);
    if (!out.includes(full)) out.push(full);
  }
  return out;
}

// ---- which paths a window may touch ----

/**
 * Main writes only to paths a dialog returned or that the user opened (dialog, recent list, command line, drop),
 * per window; the renderer never names a path to write to.
 */
export class PathAllowList {
  private readonly byWindow = new Map<number, Set<string>>();

  allow(windowId: number, path: string): void {
    let set = this.byWindow.get(windowId);
    if (!set) this.byWindow.set(windowId, (set = new Set()));
    set.add(pathKey(path));
  }

  isAllowed(windowId: number, path: string): boolean {
    return this.byWindow.get(windowId)?.has(pathKey(path)) ?? false;
  }

  forget(windowId: number): void {
    this.byWindow.delete(windowId);
  }
}

/** The window title: "model.netwright • — Netwright" (• when there are unsaved changes). */
export function windowTitle(path: string | undefined, dirty: boolean): string {
  const name = path === undefined ? 'Untitled' : basename(path);
  return `${name}${dirty ? ' •' : ''} — Netwright`;
}
