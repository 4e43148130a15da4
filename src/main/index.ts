/**
 * Electron main: the app's lifecycle, one window, the trainer process, the document's file and the menu. Kept thin:
 * decisions live in security.ts, files.ts, files-ipc.ts and menu.ts; the trainer's lifecycle in trainer-process.ts.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol } from 'electron';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, appResponse } from './app-protocol';
import { clearRecent, pathsFromArgv, readRecent, startRecovery } from './files';
import { FileController, registerFileIpc } from './files-ipc';
import { menuTemplate } from './menu';
import { appPaths, isDevRun } from './paths';
import { watchRenderer } from './renderer-health';
import { TrainerSupervisor, registerTrainerIpc } from './trainer-process';
import { createMainWindow } from './window';

const paths = appPaths(dirname(fileURLToPath(import.meta.url)), process.env.ELECTRON_RENDERER_URL, isDevRun(process.env, app.isPackaged));
// Before ready: the app scheme is standard and secure (ES modules, fetch), like https.
protocol.registerSchemesAsPrivileged(APP_SCHEME_PRIVILEGES);

let mainWindow: BrowserWindow | undefined;
let files: FileController | undefined;
/** Files asked for before the window exists (command line, macOS open-file at launch). */
const waitingFiles: string[] = pathsFromArgv(process.argv, process.cwd());

function userData(): string {
  return app.getPath('userData');
}

function buildMenu(recent: readonly string[]): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(
    { platform: process.platform, recent, isPackaged: app.isPackaged, appName: app.getName?.() ?? 'Netwright' },
    {
      command: (command) => files?.command(command),
      openRecent: (path) => files?.offerFile(path),
      clearRecent: () => {
        void clearRecent(userData()).then(() => buildMenu([]), () => undefined);
      },
      close: () => mainWindow?.close(),
    },
  )));
}

function openWindow(): void {
  const window = createMainWindow({ preloadPath: paths.preload, appUrl: paths.appUrl, devTools: !app.isPackaged });
  mainWindow = window;
  const controller = new FileController({ window, dialog, userData: userData(), onRecentChanged: buildMenu, log: (m) => console.warn(m) });
  files = controller;
  watchRenderer({ window, dialog, keepAutosave: () => startRecovery(userData()) });
  for (const path of waitingFiles.splice(0)) controller.offerFile(path);
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = undefined;
    if (files === controller) files = undefined;
  });
}

function offer(path: string): void {
  if (files) files.offerFile(path);
  else waitingFiles.push(path);
}

function currentContents() {
  const window = mainWindow;
  if (!window || window.isDestroyed() || window.webContents.isDestroyed()) return undefined;
  return window.webContents;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv: string[], workingDirectory: string) => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
    for (const path of pathsFromArgv(argv ?? [], workingDirectory ?? process.cwd())) offer(path);
  });

  // macOS: a file opened from Finder or dropped on the Dock icon, also at launch (so registered before ready).
  app.on('open-file', (event: { preventDefault(): void }, path: string) => {
    event.preventDefault();
    offer(path);
  });

  const trainer = new TrainerSupervisor({ entryPath: paths.trainerEntry, renderer: currentContents }, app);
  const trusted = { contents: currentContents, appUrl: paths.appUrl };
  registerTrainerIpc(ipcMain, trainer, trusted);
  registerFileIpc(ipcMain, () => files, trusted);

  void app.whenReady().then(() => {
    protocol.handle(APP_SCHEME, (request) => appResponse(request.url, paths.rendererDir));
    buildMenu([]);
    void readRecent(userData()).then(buildMenu, () => undefined);
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
