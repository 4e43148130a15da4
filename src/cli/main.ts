/**
 * `netwright` / `npm run cli --`: the command line, wired to the file system and the terminal.
 *
 * `train` runs in a worker thread, so Ctrl-C reaches it while the (synchronous) training loop runs: the first Ctrl-C
 * sets a shared flag that `train` polls every epoch (it then writes the weights reached so far to --out, atomically,
 * and says so); a second Ctrl-C quits at once. Every other command runs here directly.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { runCli } from './commands';
import { nodeIo } from './nodeIo';
import { prepareForArgv } from './prepare';

// `netwright info x | head -1` closes the pipe early: that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

interface TrainJob { argv: string[]; flag: Int32Array }

if (!isMainThread && parentPort) {
  const { argv, flag } = workerData as TrainJob;
  await prepareForArgv(argv);
  const code = runCli(argv, nodeIo({ interrupted: () => Atomics.load(flag, 0) === 1, syncOutput: true }));
  parentPort.postMessage(code);
} else {
  const argv = process.argv.slice(2);
  if (argv[0] === 'train' && !argv.includes('--help') && !argv.includes('-h')) {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    // The worker starts from the .mjs bootstrap, which registers tsx's loader in the worker (as bin/netwright.mjs does).
    const worker = new Worker(new URL('../../bin/netwright-worker.mjs', import.meta.url), { workerData: { argv, flag } satisfies TrainJob });
    let interrupts = 0;
    const onInterrupt = () => {
      interrupts++;
      if (interrupts > 1) process.exit(130);
      Atomics.store(flag, 0, 1);
      process.stderr.write('\nnetwright: stopping after this epoch (Ctrl-C again to quit without saving)\n');
    };
    process.on('SIGINT', onInterrupt);
    worker.on('message', (code: number) => (process.exitCode = code));
    worker.on('error', (e) => {
      process.stderr.write(`netwright: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 70;
    });
    worker.on('exit', () => process.off('SIGINT', onInterrupt));
  } else {
    await prepareForArgv(argv);
    process.exitCode = runCli(argv, nodeIo());
  }
}
