/**
 * When the window's page dies (render-process-gone) or hangs (unresponsive), offer what VS Code offers: reload, or
 * wait (for a hang) / close. Before a reload this run's autosave is set aside as a recovery copy, so the reloaded page
 * offers the work that was on screen.
 */
import type { Dialog } from 'electron';

export interface RenderGoneDetails {
  reason: string;
  exitCode?: number;
}

export interface WindowLike {
  isDestroyed(): boolean;
  close(): void;
  webContents: {
    on(event: 'render-process-gone', listener: (event: unknown, details: RenderGoneDetails) => void): unknown;
    on(event: 'unresponsive' | 'responsive', listener: () => void): unknown;
    reload(): void;
    forcefullyCrashRenderer(): void;
  };
}

export interface HealthOptions {
  window: WindowLike;
  dialog: Pick<Dialog, 'showMessageBox'>;
  /** Set this run's autosave aside as a recovery copy (files.ts startRecovery), before the page reloads. */
  keepAutosave(): Promise<void>;
}

const GONE_WORDS: Record<string, string> = {
  crashed: 'crashed',
  oom: 'ran out of memory',
  killed: 'was stopped by the system',
  'launch-failed': 'could not start',
  'integrity-failure': 'failed a code integrity check',
  'abnormal-exit': 'stopped unexpectedly',
};

/** The question asked when the page is gone; undefined for a clean exit (nothing to offer). */
export function goneQuestion(details: RenderGoneDetails): { message: string; detail: string; buttons: string[] } | undefined {
  if (details.reason === 'clean-exit') return undefined;
  const what = GONE_WORDS[details.reason] ?? `stopped (${details.reason})`;
  return {
    message: `The Netwright window ${what}.`,
    detail: 'Reload it to go on: your unsaved work is kept and offered for recovery after the reload.',
    buttons: ['Reload', 'Close window'],
  };
}

export const HANG_QUESTION = {
  message: 'Netwright is not responding.',
  detail: 'You can wait for it, or reload the window: your unsaved work (as last autosaved) is offered for recovery after the reload.',
  buttons: ['Wait', 'Reload'],
};

export function watchRenderer({ window, dialog, keepAutosave }: HealthOptions): void {
  let asking = false;
  let responsive = true;
  const reload = async (crashFirst: boolean) => {
    await keepAutosave().catch(() => undefined);
    if (window.isDestroyed()) return;
    if (crashFirst) window.webContents.forcefullyCrashRenderer();
    window.webContents.reload();
  };
  window.webContents.on('render-process-gone', (_event, details) => {
    const question = goneQuestion(details);
    if (!question || asking || window.isDestroyed()) return;
    asking = true;
    void dialog.showMessageBox({ type: 'error', ...question, defaultId: 0, cancelId: 1, noLink: true }).then(async ({ response }) => {
      asking = false;
      if (response === 0) await reload(false);
      else if (!window.isDestroyed()) window.close();
    }, () => {
      asking = false;
    });
  });
  window.webContents.on('unresponsive', () => {
    responsive = false;
    if (asking || window.isDestroyed()) return;
    asking = true;
    void dialog.showMessageBox({ type: 'warning', ...HANG_QUESTION, defaultId: 0, cancelId: 0, noLink: true }).then(async ({ response }) => {
      asking = false;
      // It may have come back while the question was open: then there is nothing to reload.
      if (response === 1 && !responsive) await reload(true);
    }, () => {
      asking = false;
    });
  });
  window.webContents.on('responsive', () => {
    responsive = true;
  });
}
