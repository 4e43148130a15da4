/**
 * The main window and the rules every page of it lives by: no new windows, no navigation away from the app,
 * no permissions. Decisions come from security.ts; this file wires them to Electron.
 */
import { BrowserWindow, shell, type Session, type WebContents } from 'electron';
import { externalUrlFor, isAppUrl, isPermissionGranted, windowOptions } from './security';

export interface MainWindowOptions {
  /** Absolute path of the built preload script. */
  preloadPath: string;
  /** The page to show: app://netwright/index.html, or the dev server URL in a development run. */
  appUrl: string;
  /** DevTools may open (never in a packaged app). */
  devTools?: boolean;
}

export function createMainWindow({ preloadPath, appUrl, devTools = true }: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow(windowOptions(preloadPath, devTools));
  hardenWebContents(window.webContents, appUrl);
  hardenSession(window.webContents.session);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(appUrl);
  return window;
}

type Contents = Pick<WebContents, 'setWindowOpenHandler' | 'on'>;

/**
 * - window.open / target=_blank: never a new Electron window; an http(s) link opens in the user's browser.
 * - navigation (links, location changes, redirects) to anything but the app's own page is prevented.
 * - <webview> cannot be attached.
 */
export function hardenWebContents(
  contents: Contents,
  appUrl: string,
  openExternal: (url: string) => unknown = (url) => shell.openExternal(url),
): void {
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalUrlFor(url);
    if (external !== undefined) {
      Promise.resolve(openExternal(external)).catch(() => undefined);
    }
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url, appUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url, appUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Deny every permission request and check (see GRANTED_PERMISSIONS). */
export function hardenSession(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(isPermissionGranted(permission)));
  session.setPermissionCheckHandler((_contents, permission) => isPermissionGranted(permission));
}
