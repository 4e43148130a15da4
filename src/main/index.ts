/**
 * Electron main: the app's lifecycle, one window, the trainer process. Kept thin: decisions live in security.ts,
 * the trainer's lifecycle in trainer.ts.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain } from 'electron';
import { appPaths } from './paths';
import { TrainerSupervisor, registerTrainerIpc } from './trainer-process';
import { createMainWindow } from './window';

const paths = appPaths(dirname(fileURLToPath(import.meta.url)), process.env.ELECTRON_RENDERER_URL, app.isPackaged);

let mainWindow: BrowserWindow | undefined;

function openWindow(): void {
  const window = createMainWindow({ preloadPath: paths.preload, appUrl: paths.appUrl });
  mainWindow = window;
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = undefined;
  });
}

function currentContents() {
  const window = mainWindow;
  if (!window || window.isDestroyed() || window.webContents.isDestroyed()) return undefined;
  return window.webContents;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });

  const trainer = new TrainerSupervisor({ entryPath: paths.trainerEntry, renderer: currentContents }, app);
  registerTrainerIpc(ipcMain, trainer, { contents: currentContents, appUrl: paths.appUrl });

  void app.whenReady().then(() => {
    openWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('will-quit', () => trainer.dispose());
}
