/**
 * IPC between the renderer (through the preload) and main. Channel names live here only.
 * The preload exposes `window.netwright` with exactly this shape (one function per operation).
 */
export const IPC = {
  /** renderer → main (send): please create a channel to the trainer and send me one end. */
  requestTrainerPort: 'trainer:request-port',
  /** main → renderer (postMessage with one MessagePort): your end of the trainer channel. */
  trainerPort: 'trainer:port',
  /** main → renderer: the trainer process went away. Payload: TrainerGoneInfo. */
  trainerGone: 'trainer:gone',
  /** renderer → main (invoke): fork a new trainer; a new port follows on `trainerPort`. */
  restartTrainer: 'trainer:restart',
} as const;

/** The message the preload posts to the page (window.postMessage) with the trainer port in `ports[0]`. */
export const TRAINER_PORT_MESSAGE = 'netwright:trainer-port';

export interface TrainerGoneInfo {
  reason: string;
  exitCode?: number;
}

/** What the preload exposes on `window.netwright`. */
export interface NetwrightApi {
  readonly platform: 'electron';
  /** Ask main for a trainer channel; the port arrives as a window message of type TRAINER_PORT_MESSAGE. */
  requestTrainerPort(): void;
  /** Fork a fresh trainer after it died; a new port arrives as for requestTrainerPort. */
  restartTrainer(): Promise<void>;
  /** Be told when the trainer process exits or crashes. Returns an unsubscribe function. */
  onTrainerGone(listener: (info: TrainerGoneInfo) => void): () => void;
}
