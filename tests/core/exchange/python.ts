/**
 * Running Debian's Python references (/usr/bin/python3 with torch and numpy) from the exchange tests. A missing
 * interpreter or module fails the test with the command that installs it; it is never skipped.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PYTHON = '/usr/bin/python3';
const INSTALL = 'apt-get install -y --no-install-recommends python3-torch python3-numpy (see .ci/run)';

/** Fails (throws) unless /usr/bin/python3 can import the modules. */
export function requirePython(modules: readonly string[]): void {
  const r = spawnSync(PYTHON, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(`${PYTHON} cannot import ${modules.join(', ')} (${r.error?.message ?? r.stderr.trim().split('\n').pop()}): install them with ${INSTALL}`);
  }
}

export interface PythonRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Environment for a reference run: one thread each (the machine is shared), nothing from the user's Python setup. */
export function pythonEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { PYTHONPATH: _p, PYTHONHOME: _h, ...env } = process.env;
  return { ...env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1', ...extra };
}

/** Run python3 with arguments in a folder, to the end. */
export function runPython(args: readonly string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<PythonRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [...args], { cwd, env: pythonEnv(extraEnv) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Write files (name → text) into a new folder under a fresh temporary directory; returns the folder. */
export function writeProject(root: string, name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

export const tempRoot = (prefix: string): string => mkdtempSync(join(tmpdir(), prefix));
