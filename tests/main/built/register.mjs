// `node --import ./register.mjs out/main/index.js`: run the built main with the Electron stub.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
