/**
 * The slice of papaparse the core uses, with our own types.
 *
 * Why the `papaparse/papaparse.min.js` subpath and not `papaparse`:
 * - `@types/papaparse` starts with `/// <reference types="node" />`, so importing the bare name would pull Node's
 *   globals (process, Buffer…) into every typecheck that reaches src/core, and `tsconfig.core.json` could no longer
 *   catch core code that uses them. The subpath has no declaration, so we type the part we use here.
 * - The min build is papaparse's `browser` entry: it lacks the Node-stream reader, whose `require('stream')` in
 *   papaparse.js makes Vite warn and stub a Node built-in in browser bundles. It parses strings the same way.
 */
// @ts-expect-error -- untyped on purpose, see above; PapaModule below is the contract we rely on.
import PapaUntyped from 'papaparse/papaparse.min.js';

export interface PapaError {
  /** 'Quotes' | 'Delimiter' | 'FieldMismatch' */
  type: string;
  code: string;
  message: string;
  /** 0-based index of the record the error belongs to. */
  row?: number;
}

export interface PapaResult {
  data: string[][];
  errors: PapaError[];
  meta: { delimiter: string; linebreak: string; aborted: boolean; truncated: boolean; cursor: number };
}

export interface PapaConfig {
  delimiter?: string;
  skipEmptyLines?: boolean | 'greedy';
  /** Stop after this many records (0: all). */
  preview?: number;
}

interface PapaModule {
  parse(input: string, config: PapaConfig): PapaResult;
}

const Papa = PapaUntyped as PapaModule;

/** Parse CSV text into records of raw strings (no type guessing, no header handling: callers do both). */
export function parseRecords(text: string, config: PapaConfig): PapaResult {
  return Papa.parse(text, config);
}
