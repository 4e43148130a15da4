/**
 * Where the built pieces are, relative to the built main script (out/main/index.js):
 * out/preload/index.cjs, out/main/trainer.js, out/renderer/index.html.
 */
import { join } from 'node:path';
import { APP_URL } from './app-protocol';

export interface AppPaths {
  preload: string;
  trainerEntry: string;
  /** The page the window shows: the dev server in an explicit development run, else app://netwright/index.html. */
  appUrl: string;
  /** The built renderer's folder, served under the app scheme. */
  rendererDir: string;
}

/**
 * Is this an explicit development run? Only `electron-vite dev` sets NETWRIGHT_DEV=1 (electron.vite.config.ts), and
 * never in a packaged app: an unpackaged app started any other way does not trust ELECTRON_RENDERER_URL.
 */
export function isDevRun(env: NodeJS.ProcessEnv, isPackaged: boolean): boolean {
  return !isPackaged && env.NETWRIGHT_DEV === '1';
}

/**
 * @param mainDir the directory of the built main script
 * @param devServerUrl electron-vite's ELECTRON_RENDERER_URL, honoured only in an explicit development run
 * @param devRun isDevRun(): never true in a packaged app
 */
export function appPaths(mainDir: string, devServerUrl: string | undefined, devRun: boolean): AppPaths {
  const useDevServer = devRun && devServerUrl !== undefined && /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\/?$/.test(devServerUrl);
  return {
    preload: join(mainDir, '..', 'preload', 'index.cjs'),
    trainerEntry: join(mainDir, 'trainer.js'),
    appUrl: useDevServer ? devServerUrl : APP_URL,
    rendererDir: join(mainDir, '..', 'renderer'),
  };
}
