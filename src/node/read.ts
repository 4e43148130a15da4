/**
 * Reading a text file for the app and the CLI alike: folders and files over the size limit are refused before any byte
 * is read, and the bytes must be UTF-8 (the offset of the first bad byte is named; nothing is silently replaced).
 */
import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { decodeUtf8 } from '../core/fileText';
import { describeFileError, FileError, formatBytes, MAX_FILE_BYTES } from './files';

function checkSize(path: string, info: { isDirectory(): boolean; size: number }, maxBytes: number): void {
  if (info.isDirectory()) throw new FileError(`Could not open ${basename(path)}: it is a folder.`, 'EISDIR');
  if (info.size > maxBytes) throw new FileError(`Could not open ${basename(path)}: it is ${formatBytes(info.size)}, more than the ${formatBytes(maxBytes)} a network file can be.`, 'EFBIG');
}

function decode(path: string, bytes: Uint8Array): string {
  const text = decodeUtf8(bytes);
  if (!text.ok) throw new FileError(`Could not open ${basename(path)}: ${text.message}`, 'EILSEQ');
  return text.text;
}

/** A text file's content, refusing folders, files over `maxBytes` and invalid UTF-8. Throws FileError. */
export async function readTextFile(path: string, maxBytes = MAX_FILE_BYTES): Promise<string> {
  try {
    checkSize(path, await stat(path), maxBytes);
    return decode(path, await readFile(path));
  } catch (error) {
    throw describeFileError(error, 'open', path);
  }
}

/** readTextFile for synchronous callers (the command line). Throws FileError. */
export function readTextFileSync(path: string, maxBytes = MAX_FILE_BYTES): string {
  try {
    checkSize(path, statSync(path), maxBytes);
    return decode(path, readFileSync(path));
  } catch (error) {
    throw describeFileError(error, 'open', path);
  }
}
