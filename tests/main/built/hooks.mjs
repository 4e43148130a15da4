// Module hooks for running the built main (out/main/index.js) under plain Node: 'electron' resolves to the stub.
import { URL } from 'node:url';

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'electron') {
    return { url: new URL('./electron-stub.mjs', import.meta.url).href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
