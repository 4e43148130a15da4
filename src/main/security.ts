/**
 * The security decisions of the main process, as pure functions over small structural types, so each one is
 * unit-tested without Electron. window.ts and trainer.ts only wire them to Electron's events.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * The options of every Netwright window: the page gets no Node, no Electron, and a sandboxed preload; DevTools only in
 * an unpackaged app.
 */
export function windowOptions(preloadPath: string, devTools = true): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Netwright',
    backgroundColor: '#14161a',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools,
    },
  };
}

/**
 * Is `url` a page of this app? `appUrl` is either the built renderer (file://…/out/renderer/index.html: the same
 * file, any query or hash) or the dev server (http://localhost:5173/: the same origin).
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  const candidate = parseUrl(url);
  const app = parseUrl(appUrl);
  if (!candidate || !app) return false;
  if (app.protocol === 'app:') {
    // app://netwright/…: any page of the app's own scheme and host (URL.origin is "null" for custom schemes)
    return candidate.protocol === 'app:' && candidate.host === app.host;
  }
  if (app.protocol === 'file:') {
    return candidate.protocol === 'file:' && candidate.host === app.host && candidate.pathname === app.pathname;
  }
  if (app.protocol === 'http:' || app.protocol === 'https:') {
    return candidate.origin === app.origin;
  }
  return false;
}

/** The parts of Electron's WebFrameMain the sender check reads. */
export interface FrameLike {
  readonly url: string;
  readonly parent: unknown;
  readonly processId: number;
  readonly routingId: number;
}

/**
 * May this frame talk to main? Only the main frame of our window (no iframe), showing our app's page.
 * `mainFrame` is our window's `webContents.mainFrame`; `frame` is the IPC event's `senderFrame` (null when the
 * frame navigated away or was destroyed).
 */
export function isTrustedSender(frame: FrameLike | null | undefined, appUrl: string, mainFrame: FrameLike | null | undefined): boolean {
  if (!frame || !mainFrame) return false;
  if (frame.parent !== null) return false;
  if (frame.processId !== mainFrame.processId || frame.routingId !== mainFrame.routingId) return false;
  return isAppUrl(frame.url, appUrl);
}

/**
 * A link that wants a new window: never a new Electron window. An http(s) link is opened in the user's browser
 * (returned here so the caller hands it to shell.openExternal); anything else (file:, javascript:, custom schemes)
 * is dropped.
 */
export function externalUrlFor(url: string): string | undefined {
  const parsed = parseUrl(url);
  if (!parsed) return undefined;
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
}

/** Permissions the page may have. None: Netwright needs no camera, location, notifications, MIDI… */
export const GRANTED_PERMISSIONS: readonly string[] = [];

export function isPermissionGranted(permission: string): boolean {
  return GRANTED_PERMISSIONS.includes(permission);
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
