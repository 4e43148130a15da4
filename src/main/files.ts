/**
 * Main's file logic as plain functions over node:fs/promises, tested against real temporary folders:
 * atomic saves, reading with a size limit, the recent-files list, crash-recovery autosave, paths from the command
 * line, and the set of paths a window may write to. No Electron here: files-ipc.ts wires these to dialogs and IPC.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { atomicWrite } from '../node/files';

export { atomicWrite, describeFileError, FileError, MAX_FILE_BYTES } from '../node/files';
export { readTextFile } from '../node/read';

export const NETWORK_EXTENSION = '.netwright';
export const MAX_RECENT = 10;

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
// moved into a small ring of recovery copies (recovery/previous-<savedAt>-<random>.json) before this run autosaves
// anything, so it cannot be overwritten before the user has decided on it, and a second crash does not replace an
// older copy nobody decided on either. The ring keeps the newest RECOVERY_RING copies; they are offered newest first.
// A clean close or a save removes unsaved.json.

/** How many undecided recovery copies are kept (the oldest goes first). */
export const RECOVERY_RING = 5;

export interface Recovery {
  /** The document's text as the renderer last sent it. */
  text: string;
  /** When it was written (ms since the epoch). */
  savedAt: number;
  /** The file it belongs to, if it had been saved or opened. */
  path?: string;
}

const recoveryDir = (userData: string) => join(userData, 'recovery');
const autosaveFile = (userData: string) => join(recoveryDir(userData), 'unsaved.json');
/** The single copy of earlier versions (before the ring): still read, as part of the ring. */
const LEGACY_PREVIOUS = 'previous.json';
const isRingName = (name: string) => name === LEGACY_PREVIOUS || /^previous-\d+-[0-9a-f]+\.json$/.test(name);

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

async function readRecoveryFile(file: string): Promise<Recovery | undefined> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { text, savedAt, path } = raw as Record<string, unknown>;
  if (typeof text !== 'string' || typeof savedAt !== 'number' || !Number.isFinite(savedAt)) return undefined;
  return typeof path === 'string' ? { text, savedAt, path } : { text, savedAt };
}

/** The ring's copies that can be read, newest first, with their file names. */
async function ring(userData: string): Promise<{ file: string; recovery: Recovery }[]> {
  let names: string[];
  try {
    names = await readdir(recoveryDir(userData));
  } catch {
    return [];
  }
  const out: { file: string; recovery: Recovery }[] = [];
  for (const name of names.filter(isRingName)) {
    const file = join(recoveryDir(userData), name);
    const recovery = await readRecoveryFile(file);
    if (recovery) out.push({ file, recovery });
  }
  return out.sort((a, b) => b.recovery.savedAt - a.recovery.savedAt || (a.file < b.file ? 1 : -1));
}

/**
 * At start: set aside what an earlier run left (it did not close cleanly) into the ring, so this run's autosaves never
 * overwrite it and earlier undecided copies stay too; the ring keeps the newest RECOVERY_RING.
 */
export async function startRecovery(userData: string): Promise<void> {
  const left = await readRecoveryFile(autosaveFile(userData));
  if (left) {
    const name = `previous-${Math.max(0, Math.floor(left.savedAt))}-${randomBytes(4).toString('hex')}.json`;
    await rename(autosaveFile(userData), join(recoveryDir(userData), name)).catch(() => undefined);
  } else {
    await unlink(autosaveFile(userData)).catch(() => undefined); // damaged: nothing to offer
  }
  const all = await ring(userData);
  for (const old of all.slice(RECOVERY_RING)) await unlink(old.file).catch(() => undefined);
}

/** Every unsaved document earlier runs left (after startRecovery), newest first. */
export async function listRecoveries(userData: string): Promise<Recovery[]> {
  return (await ring(userData)).map((r) => r.recovery);
}

/** The newest unsaved document an earlier run left, if any (after startRecovery): the one offered now. */
export async function findRecovery(userData: string): Promise<Recovery | undefined> {
  return (await ring(userData))[0]?.recovery;
}

/** The user recovered or discarded the offered (newest) copy; the older ones are offered next. */
export async function clearRecovery(userData: string): Promise<void> {
  const newest = (await ring(userData))[0];
  if (newest) await unlink(newest.file).catch(() => undefined);
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
