/**
 * The API the preload exposes on `window.netwright`: exactly NetwrightApi, one function per operation.
 * Built from a narrow slice of ipcRenderer that never leaves this file, and no event object reaches the page.
 */
import type { IpcRenderer } from 'electron';
import { IPC, type NetwrightApi, type TrainerGoneInfo } from '../shared/ipc';

export type IpcSlice = Pick<IpcRenderer, 'send' | 'invoke' | 'on' | 'removeListener'>;

export function createNetwrightApi(ipc: IpcSlice): NetwrightApi {
  return {
    platform: 'electron',
    requestTrainerPort(): void {
      ipc.send(IPC.requestTrainerPort);
    },
    async restartTrainer(): Promise<void> {
      await ipc.invoke(IPC.restartTrainer);
    },
    onTrainerGone(listener: (info: TrainerGoneInfo) => void): () => void {
      const handler = (_event: unknown, info: unknown) => listener(toGoneInfo(info));
      ipc.on(IPC.trainerGone, handler);
      return () => {
        ipc.removeListener(IPC.trainerGone, handler);
      };
    },
  };
}

/** Copy only the documented fields, so nothing else main might attach reaches the page. */
export function toGoneInfo(raw: unknown): TrainerGoneInfo {
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const info: TrainerGoneInfo = { reason: typeof record.reason === 'string' ? record.reason : 'unknown' };
  if (typeof record.exitCode === 'number') info.exitCode = record.exitCode;
  return info;
}

/** The page's window, as far as forwarding the trainer port needs it (the preload is built without the DOM lib). */
export interface PageWindow {
  postMessage(message: unknown, targetOrigin: string, transfer?: readonly unknown[]): void;
}

/**
 * Hand the trainer port main sent us to the page. A MessagePort cannot cross the context bridge, so it goes by
 * window.postMessage (Electron's pattern for contextIsolation); the page listens for TRAINER_PORT_MESSAGE.
 */
export function forwardTrainerPorts(
  ipc: Pick<IpcRenderer, 'on'>,
  page: PageWindow,
  messageType: string,
): void {
  ipc.on(IPC.trainerPort, (event) => {
    page.postMessage(messageType, '*', [...event.ports]);
  });
}
