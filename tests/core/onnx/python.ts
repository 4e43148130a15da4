/**
 * Run Debian's Python (/usr/bin/python3, which has torch 1.13, onnx 1.12 and NumPy) from the ONNX tests. Another
 * `python3` may come first on the PATH without them, so the path is fixed. A missing interpreter or module fails the
 * test with a message saying what to install (CI installs them: .ci/run); it never skips.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PYTHON = '/usr/bin/python3';

/** Run `script` with `args`; returns its stdout. Throws with its stderr when it fails. */
export function runPython(script: string, args: readonly string[] = [], options: { timeoutMs?: number } = {}): string {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: install python3, python3-torch, python3-onnx and python3-numpy (apt-get) to run the ONNX exchange tests`);
  const result = spawnSync(PYTHON, ['-c', script, ...args], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', OMP_NUM_THREADS: '1' },
  });
  if (result.error) throw new Error(`${PYTHON} could not run: ${result.error.message}`);
  if (result.status !== 0) {
    const missing = /ModuleNotFoundError: No module named '([^']+)'/.exec(result.stderr);
    if (missing) throw new Error(`${PYTHON} has no module ${missing[1]}: apt-get install python3-torch python3-onnx python3-numpy`);
    throw new Error(`${PYTHON} exited with ${result.status}:\n${result.stderr.slice(-4000)}`);
  }
  return result.stdout;
}
