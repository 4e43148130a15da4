/**
 * Entry of the trainer as a Web Worker, for the browser build. The renderer creates it with
 * `new Worker(new URL('../../trainer/entry/worker.ts', import.meta.url), { type: 'module' })`.
 * `self` is declared structurally because src/trainer is compiled without the DOM lib.
 */
import { fromMessageEventTarget, type MessageEventTargetLike } from '../adapters';
import { startTrainingHost } from '../training-host';
import { startGemmThreads, threadLabel } from '../threads';

declare const self: MessageEventTargetLike;
declare const console: { error(...data: unknown[]): void };

// The worker scope itself is the channel. Its close() would end the worker, so it is not offered as the port's close.
const scope: MessageEventTargetLike = {
  addEventListener: (type, listener) => self.addEventListener(type, listener),
  removeEventListener: (type, listener) => self.removeEventListener(type, listener),
  postMessage: (message) => self.postMessage(message),
};

startTrainingHost(fromMessageEventTarget(scope), {
  // Large matrix products are split across nested workers where the page is cross-origin isolated; else one thread.
  hostName: `netwright-trainer (web worker), ${threadLabel(startGemmThreads())}`,
  onUnreportableError: (error) => console.error('[trainer]', error),
});
