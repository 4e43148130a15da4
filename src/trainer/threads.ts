/**
 * The thread host for the core's matrix products (src/core/gemmThreads.ts): starts the worker threads large products
 * are split across, wherever the trainer runs.
 *
 *   Node, and Electron's utility process   worker_threads, the worker's program passed as a string (eval)
 *   a Web Worker in a page                  nested Web Workers from a blob: URL, only if the page is cross-origin
 *                                           isolated (COOP/COEP): without it there is no SharedArrayBuffer, and the
 *                                           products run on one thread, with the same results
 *
 * src/trainer is compiled without Node or DOM types, so the little it uses of each is declared structurally here;
 * worker_threads and os come from process.getBuiltinModule (Node ≥ 20.16), not an import, so the browser bundle
 * never sees them.
 */
import { GEMM_THREAD_SOURCE, type GemmThreadHost, type GemmThreadInit, type GemmWorkerHandle } from '../core/gemmThreads';
import { gemmThreadStatus, setGemmThreads } from '../core/kernels';
import type { GemmThreadStatus } from '../core/gemmThreads';

/** More threads than this gain little for the network sizes Netwright trains, and cost memory (a workspace each). */
export const MAX_GEMM_THREADS = 8;

interface NodeWorker {
  postMessage(message: unknown): void;
  on(event: 'exit', listener: (code: number) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}
interface NodeWorkerThreads {
  Worker: new (source: string, options: { eval: true }) => NodeWorker;
}
interface NodeOs {
  availableParallelism?: () => number;
  cpus(): unknown[];
}
interface WebWorker {
  postMessage(message: unknown): void;
  addEventListener(type: 'error', listener: (event: { message?: string; preventDefault(): void }) => void): void;
  terminate(): void;
}
interface Runtime {
  process?: { getBuiltinModule?: (id: string) => unknown };
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
  Worker?: new (url: string) => WebWorker;
  Blob?: new (parts: string[], options: { type: string }) => unknown;
  URL?: { createObjectURL(blob: unknown): string };
}
const runtime = globalThis as unknown as Runtime;

const clamp = (n: number) => Math.max(1, Math.min(MAX_GEMM_THREADS, Math.floor(n)));

/** A host starting worker_threads workers, or null outside Node. `threads` defaults to the machine's cores. */
export function nodeThreadHost(threads?: number): GemmThreadHost | null {
  const get = runtime.process?.getBuiltinModule;
  if (typeof get !== 'function') return null;
  const wt = get('node:worker_threads') as NodeWorkerThreads | undefined;
  const os = get('node:os') as NodeOs | undefined;
  if (!wt || !os) return null;
  return {
    threads: clamp(threads ?? os.availableParallelism?.() ?? os.cpus().length),
    spawn(init: GemmThreadInit, onExit: (reason: string) => void): GemmWorkerHandle {
      const worker = new wt.Worker(GEMM_THREAD_SOURCE, { eval: true });
      let ended = false;
      const end = (reason: string) => {
        if (!ended) onExit(reason);
        ended = true;
      };
      worker.on('error', (error) => end(`error: ${error.message}`));
      worker.on('exit', (code) => end(`exited with code ${code}`));
      worker.unref(); // an idle pool must not keep a CLI or test process alive
      worker.postMessage(init);
      return { terminate: () => void worker.terminate() };
    },
  };
}

/** A host starting nested Web Workers, or null where the page is not cross-origin isolated. */
export function webThreadHost(threads?: number): GemmThreadHost | null {
  const { Worker, Blob, URL } = runtime;
  if (runtime.crossOriginIsolated !== true || !Worker || !Blob || !URL) return null;
  const url = URL.createObjectURL(new Blob([GEMM_THREAD_SOURCE], { type: 'text/javascript' }));
  return {
    threads: clamp(threads ?? runtime.navigator?.hardwareConcurrency ?? 1),
    spawn(init, onExit) {
      const worker = new Worker(url);
      worker.addEventListener('error', (event) => {
        event.preventDefault(); // the pool goes to one thread; the trainer itself carries on
        onExit(`error: ${event.message ?? 'the worker failed'}`);
      });
      worker.postMessage(init);
      return { terminate: () => worker.terminate() };
    },
  };
}

/**
 * Install the thread host this runtime offers (Node first, then an isolated page's workers), or none. Returns the
 * status: the thread count in use and, where it is 1 on a machine with more cores, why.
 */
export function startGemmThreads(threads?: number): GemmThreadStatus {
  const host = nodeThreadHost(threads) ?? webThreadHost(threads);
  if (host === null) {
    setGemmThreads(null);
    const why = runtime.crossOriginIsolated === false
      ? 'the page is not cross-origin isolated (no SharedArrayBuffer): products run on one thread'
      : 'this runtime cannot start worker threads: products run on one thread';
    return { threads: 1, requested: 1, problem: why };
  }
  if (host.threads <= 1) return setGemmThreads(null);
  setGemmThreads(host);
  return gemmThreadStatus();
}

/** How the trainer names its threads in its hello (the status bar's tooltip shows it): "2 threads", or why one. */
export function threadLabel(status: GemmThreadStatus): string {
  const count = `${status.threads} thread${status.threads === 1 ? '' : 's'} for large products`;
  return status.problem === undefined ? count : `${count} (${status.problem})`;
}
