/**
 * Entry of the Electron utility process that runs the trainer (built to out/main/trainer.js, forked by main).
 * It imports nothing from Electron: the utility process hands it `process.parentPort`, declared here structurally
 * because src/trainer is compiled without Node types.
 */
import { serveParentPort, type ParentPortLike } from '../serve';
import { startGemmThreads, threadLabel } from '../threads';

declare const process: { parentPort?: ParentPortLike };
declare const console: { error(...data: unknown[]): void };

const parentPort = process.parentPort;
if (!parentPort) {
  throw new Error('the trainer entry must run as an Electron utility process (process.parentPort is missing)');
}
serveParentPort(parentPort, {
  // Large matrix products are split across worker_threads (one per core, up to MAX_GEMM_THREADS).
  hostName: `netwright-trainer (utility process), ${threadLabel(startGemmThreads())}`,
  onUnreportableError: (error) => console.error('[trainer]', error),
});
