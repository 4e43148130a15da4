/**
 * The application menu as a pure template (tested without Electron): File with New, Open, Open Recent, Save,
 * Save As, Export, Close and their shortcuts; Edit for text fields; View; Window. Commands for the document go to
 * the renderer (it owns the document); Open Recent and Close are handled in main.
 */
import { basename } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../shared/ipc';

export interface MenuActions {
  /** Send a command to the renderer. */
  command(command: MenuCommand): void;
  openRecent(path: string): void;
  clearRecent(): void;
  /** Close the window (main asks first when there are unsaved changes). */
  close(): void;
}

export interface MenuOptions {
  platform: NodeJS.Platform;
  /** Newest first. */
  recent: readonly string[];
  /** Development builds get Reload and the developer tools. */
  isPackaged: boolean;
  appName?: string;
}

export function menuTemplate(options: MenuOptions, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const send = (command: MenuCommand) => () => actions.command(command);
  const recent: MenuItemConstructorOptions[] = options.recent.length === 0
    ? [{ label: 'No recent files', enabled: false }]
    : options.recent.map((path, i) => ({
        label: `${i < 9 ? `&${i + 1} ` : ''}${basename(path)}`,
        toolTip: path,
        click: () => actions.openRecent(path),
      }));
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: '&New', accelerator: 'CmdOrCtrl+N', click: send('new') },
      { label: '&Open…', accelerator: 'CmdOrCtrl+O', click: send('open') },
      {
        label: 'Open &Recent',
        submenu: [...recent, { type: 'separator' }, { label: 'Clear Recent', enabled: options.recent.length > 0, click: () => actions.clearRecent() }],
      },
      { type: 'separator' },
      { label: '&Save', accelerator: 'CmdOrCtrl+S', click: send('save') },
      { label: 'Save &As…', accelerator: 'CmdOrCtrl+Shift+S', click: send('saveAs') },
      {
        label: '&Export',
        submenu: [
          { label: 'ONNX Model…', accelerator: 'CmdOrCtrl+E', click: send('exportOnnx') },
          { label: 'Weights as JSON…', click: send('exportWeightsJson') },
          { label: 'Weights as CSV…', click: send('exportWeightsCsv') },
          { type: 'separator' },
          { label: 'Graph as PNG…', click: send('exportPng') },
          { label: 'Graph as SVG…', click: send('exportSvg') },
          { type: 'separator' },
          { label: 'PyTorch Project…', click: send('exportPytorch') },
          { label: 'NumPy Script…', click: send('exportNumpy') },
        ],
      },
      { label: 'Import &Trained Weights…', click: send('importWeights') },
      { type: 'separator' },
      { label: '&Close', accelerator: 'CmdOrCtrl+W', click: () => actions.close() },
      ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit', label: 'E&xit' } as const]),
    ],
  };
  // Undo and redo belong to the editor (its own shortcuts), so the Edit menu has only the text-field roles.
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [{ role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      ...(options.isPackaged ? [] : [{ role: 'reload' } as const, { role: 'toggleDevTools' } as const, { type: 'separator' } as const]),
      { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' },
    ],
  };
  const template: MenuItemConstructorOptions[] = [file, edit, view, { role: 'windowMenu' }];
  if (mac) template.unshift({ label: options.appName ?? 'Netwright', role: 'appMenu' });
  return template;
}
