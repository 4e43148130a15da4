/**
 * Before the (synchronous) commands run: load what a data set needs asynchronously. Only the digits need it (their
 * 2 MB asset is imported on demand), so this loads them when the command line names them (`--dataset digits`) or a
 * file it names refers to them; anything else starts at once.
 */
import { readFileSync } from 'node:fs';
import { loadDigits } from '../core/data';

export async function prepareForArgv(argv: readonly string[]): Promise<void> {
  const named = argv.some((a, k) => a === 'digits' && argv[k - 1] === '--dataset') || argv.includes('--dataset=digits');
  const inFile = argv.some((a) => {
    if (!a.endsWith('.netwright')) return false;
    try {
      return /"name"\s*:\s*"digits"/.test(readFileSync(a, 'utf8'));
    } catch {
      return false; // the command itself says what is wrong with the file
    }
  });
  if (named || inFile) await loadDigits();
}
