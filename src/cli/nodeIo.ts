/**
 * The CLI's Io on a real machine: files are read with the app's size limit and UTF-8 check, and written with the app's
 * atomic write (temp in the same folder, fsync, rename, fsync the folder), so `train F --out F` on a full disk leaves
 * F as it was.
 */
import { writeSync } from 'node:fs';
import { atomicWriteSync } from '../node/files';
import { readTextFileSync } from '../node/read';
import type { Io } from './commands';

/**
 * A line to fd 1 or 2 at once. A worker thread's process.stdout only passes its first write on before the thread's event
 * loop turns, and `train` runs synchronously: so the worker writes to the descriptor itself. A closed pipe (EPIPE)
 * ends the output quietly; a full non-blocking pipe (EAGAIN) is retried.
 */
function writeLineSync(fd: number, line: string): void {
  const bytes = Buffer.from(`${line}\n`, 'utf8');
  let at = 0;
  while (at < bytes.length) {
    try {
      at += writeSync(fd, bytes, at, bytes.length - at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EPIPE') return;
      throw e;
    }
  }
}

export function nodeIo(options: { interrupted?: () => boolean; syncOutput?: boolean } = {}): Io {
  return {
    readText: (path) => readTextFileSync(path),
    writeText: (path, text) => atomicWriteSync(path, text),
    writeBytes: (path, bytes) => atomicWriteSync(path, bytes),
    out: options.syncOutput ? (line) => writeLineSync(1, line) : (line) => process.stdout.write(`${line}\n`),
    err: options.syncOutput ? (line) => writeLineSync(2, line) : (line) => process.stderr.write(`${line}\n`),
    ...(options.interrupted ? { interrupted: options.interrupted } : {}),
  };
}
