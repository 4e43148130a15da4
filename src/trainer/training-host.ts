/** The trainer as both entries run it: the protocol host with the training commands of session.ts. */
import type { TrainerPort } from '../shared/port';
import { startTrainerHost, type TrainerHost, type TrainerHostOptions } from './host';
import { createSessionHandlers, type SessionHandlersOptions } from './session';

export function startTrainingHost(
  port: TrainerPort,
  options: TrainerHostOptions & { session?: SessionHandlersOptions } = {},
): TrainerHost {
  const { session: sessionOptions, ...hostOptions } = options;
  const session = createSessionHandlers(sessionOptions);
  return startTrainerHost(port, {
    ...hostOptions,
    handlers: { ...session.handlers, ...hostOptions.handlers },
    onDispose: () => {
      session.dispose();
      hostOptions.onDispose?.();
    },
  });
}
