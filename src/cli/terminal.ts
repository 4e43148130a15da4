/**
 * What the CLI prints comes partly from files (node names, feature names, column names, messages quoting them), so it
 * is made inert for a terminal: control characters (ESC, BEL, CR, C1 controls such as CSI U+009B, DEL) and the bidi
 * overrides are written as `\uXXXX`. That is also a JSON escape, so `--json` output stays valid JSON. New lines and tabs
 * the CLI itself writes are kept.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
