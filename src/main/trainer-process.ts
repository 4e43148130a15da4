/**
 * The trainer process, seen from main: fork it (an Electron utility process running out/main/trainer.js), hand
 * the renderer one end of a MessageChannelMain and the trainer the other, tell the renderer when it dies, fork it
 * again on request. Training traffic then flows renderer ⇄ trainer directly; main never sees it.
 */
import { MessageChannelMain, utilityProcess, type IpcMain, type IpcMainEvent, type UtilityProcess, type WebContents } from 'electron';
import { IPC, type TrainerGoneInfo } from '../shared/ipc';
import { isTrustedSender, type FrameLike } from './security';

/** The trainer process's V8 heap limit, in MB (the trainer refuses networks estimated above 512 MB before this). */
export const TRAINER_HEAP_MB = 1024;

/** The name the trainer has in task managers, app.getAppMetrics() and `child-process-gone` details. */
export const TRAINER_SERVICE_NAME = 'Netwright Trainer';

/** What `app.on('child-process-gone')` reports (the fields we read). */
export interface ChildProcessGoneDetails {
  type: string;
  reason: string;
  exitCode: number;
  name?: string;
  serviceName?: string;
}

/** Is this `child-process-gone` about a trainer process? */
export function isTrainerGone(details: ChildProcessGoneDetails, serviceName = TRAINER_SERVICE_NAME): boolean {
  return details.type === 'Utility' && (details.name === serviceName || details.serviceName === serviceName);
}

/** What the renderer is told when the trainer's process exits with `code`. */
export function goneInfoFromExit(code: number): TrainerGoneInfo {
  return { reason: code === 0 ? 'clean-exit' : 'abnormal-exit', exitCode: code };
}

/** The part of WebContents the supervisor talks to. */
export type RendererLike = Pick<WebContents, 'postMessage' | 'send' | 'isDestroyed'>;

export interface TrainerSupervisorOptions {
  /** Absolute path of the built trainer entry (out/main/trainer.js). */
  entryPath: string;
  /** Where `trainerGone` goes: the window's renderer, if there is one. */
  renderer: () => RendererLike | undefined;
  serviceName?: string;
}

/** The Electron `app` events the supervisor listens to. */
export interface AppEvents {
  on(event: 'child-process-gone', listener: (event: unknown, details: ChildProcessGoneDetails) => void): unknown;
}

export class TrainerSupervisor {
  private child: UtilityProcess | undefined;
  /** Children killed on purpose whose `child-process-gone` ('killed') may still arrive and must not be taken for the current one's. */
  private killedPendingGone = 0;
  private disposed = false;
  private readonly serviceName: string;

  constructor(
    private readonly options: TrainerSupervisorOptions,
    app: AppEvents,
  ) {
    this.serviceName = options.serviceName ?? TRAINER_SERVICE_NAME;
    app.on('child-process-gone', (_event, details) => this.onChildProcessGone(details));
  }

  /** The running trainer process, if any. */
  get process(): UtilityProcess | undefined {
    return this.child;
  }

  /** Give `renderer` a fresh channel to the trainer, forking it first if it is not running. */
  connect(renderer: RendererLike): void {
    if (this.disposed) return;
    const child = this.ensureChild();
    const { port1, port2 } = new MessageChannelMain();
    child.postMessage(null, [port1]);
    renderer.postMessage(IPC.trainerPort, null, [port2]);
  }

  /** Kill the trainer (if running), fork a new one and give `renderer` a channel to it. */
  restart(renderer: RendererLike): void {
    if (this.disposed) return;
    this.stopChild();
    this.connect(renderer);
  }

  /** Stop the trainer for good (app quitting). */
  dispose(): void {
    this.disposed = true;
    this.stopChild();
  }

  private ensureChild(): UtilityProcess {
    if (this.child) return this.child;
    // A heap limit of its own: a trainer that runs out of memory dies alone (reported as a crash below), never main.
    const child = utilityProcess.fork(this.options.entryPath, [], { serviceName: this.serviceName, execArgv: [`--max-old-space-size=${TRAINER_HEAP_MB}`] });
    this.child = child;
    child.on('exit', (code) => {
      if (this.child !== child) return; // an old child we already let go of
      this.gone(goneInfoFromExit(code));
    });
    return child;
  }

  private stopChild(): void {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.kill()) this.killedPendingGone++;
  }

  private onChildProcessGone(details: ChildProcessGoneDetails): void {
    if (!isTrainerGone(details, this.serviceName)) return;
    if (details.reason === 'killed' && this.killedPendingGone > 0) {
      this.killedPendingGone--;
      return;
    }
    if (!this.child) return; // already reported through 'exit'
    this.gone({ reason: details.reason, exitCode: details.exitCode });
  }

  private gone(info: TrainerGoneInfo): void {
    this.child = undefined;
    if (this.disposed) return;
    const renderer = this.options.renderer();
    if (renderer && !renderer.isDestroyed()) renderer.send(IPC.trainerGone, info);
  }
}

/** How the IPC handlers find out who may call them. */
export interface TrustedWindow {
  /** The window's WebContents, if the window is open. */
  contents(): (RendererLike & { readonly id: number; readonly mainFrame: FrameLike }) | undefined;
  /** file://…/out/renderer/index.html, or the dev server URL. */
  appUrl: string;
}

/**
 * Check an IPC event: it must come from our window's WebContents, from its main frame, showing our page.
 * Returns the renderer to answer, or a reason for refusing.
 */
export function checkSender(
  event: { readonly sender: { readonly id: number }; readonly senderFrame: FrameLike | null },
  window: TrustedWindow,
): { ok: true; renderer: RendererLike } | { ok: false; reason: string } {
  const contents = window.contents();
  // Compared by id: a WebContents is unique by id, whatever wrapper object an event carries.
  if (!contents || event.sender.id !== contents.id) return { ok: false, reason: 'the sender is not the Netwright window' };
  if (!isTrustedSender(event.senderFrame, window.appUrl, contents.mainFrame)) {
    return { ok: false, reason: `the sender frame (${event.senderFrame?.url ?? 'gone'}) is not the app's main frame` };
  }
  return { ok: true, renderer: contents };
}

/** Register the trainer's IPC handlers. Returns a function that removes them. */
export function registerTrainerIpc(
  ipc: Pick<IpcMain, 'on' | 'handle' | 'removeListener' | 'removeHandler'>,
  supervisor: Pick<TrainerSupervisor, 'connect' | 'restart'>,
  window: TrustedWindow,
  log: (message: string) => void = (message) => console.warn(message),
): () => void {
  const requestPort = (event: IpcMainEvent) => {
    const check = checkSender(event, window);
    if (!check.ok) {
      log(`refused ${IPC.requestTrainerPort}: ${check.reason}`);
      return;
    }
    supervisor.connect(check.renderer);
  };
  ipc.on(IPC.requestTrainerPort, requestPort);
  ipc.handle(IPC.restartTrainer, (event) => {
    const check = checkSender(event, window);
    if (!check.ok) throw new Error(`refused ${IPC.restartTrainer}: ${check.reason}`);
    supervisor.restart(check.renderer);
  });
  return () => {
    ipc.removeListener(IPC.requestTrainerPort, requestPort);
    ipc.removeHandler(IPC.restartTrainer);
  };
}
