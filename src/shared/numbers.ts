/**
 * Numbers as people type them: the typographic minus U+2212 ("−0.3", which the app itself prints) reads as "-".
 * One place, used by every number field of the window and by the command line.
 */
const MINUS = /\u2212/g;

/** `text` as a number (NaN when it is none, or empty). Accepts "−" (U+2212) for "-". */
export function parseNumber(text: string): number {
  const t = text.trim().replace(MINUS, '-');
  return t === '' ? Number.NaN : Number(t);
}

/** `text` with every typographic minus made an ASCII one. */
export function asciiMinus(text: string): string {
  return text.replace(MINUS, '-');
}
