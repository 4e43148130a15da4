import type { TrainerPort } from '../../../src/shared/port';
import type { TrainerLink, TrainerTransport } from '../../../src/renderer/trainer/transport';
import { startTrainerHost, type TrainerHostOptions } from '../../../src/trainer/host';
import { memoryChannel } from './channel';

export interface FakeTrainer {
  link: TrainerLink;
  /** Make this trainer die, as a crash would. */
  die(reason: string): void;
  closed: boolean;
}

/**
 * A transport whose trainers are the real trainer host on an in-memory channel. `silent: true` makes trainers that
 * never answer. Every trainer started is kept in `trainers`, newest last.
 */
export function inMemoryTransport(options: { silent?: boolean; host?: TrainerHostOptions; failConnect?: string } = {}) {
  const trainers: FakeTrainer[] = [];
  let connects = 0;
  let restarts = 0;

  function start(): TrainerLink {
    const [clientEnd, hostEnd] = memoryChannel();
    const host = options.silent ? null : startTrainerHost(hostEnd, { hostName: 'in-memory trainer', ...options.host });
    const goneListeners = new Set<(reason: string) => void>();
    const trainer: FakeTrainer = {
      closed: false,
      die(reason) {
        host?.dispose();
        clientEnd.close?.();
        for (const listener of [...goneListeners]) listener(reason);
      },
      link: {
        kind: 'worker',
        port: clientEnd as TrainerPort,
        onGone(listener) {
          goneListeners.add(listener);
          return () => goneListeners.delete(listener);
        },
        close() {
          trainer.closed = true;
          host?.dispose();
          clientEnd.close?.();
        },
      },
    };
    trainers.push(trainer);
    return trainer.link;
  }

  const transport: TrainerTransport = {
    kind: 'worker',
    async connect() {
      connects++;
      if (options.failConnect) throw new Error(options.failConnect);
      return start();
    },
    async restart() {
      restarts++;
      return start();
    },
  };
  return {
    transport,
    trainers,
    get connects() {
      return connects;
    },
    get restarts() {
      return restarts;
    },
  };
}
