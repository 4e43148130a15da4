/**
 * Where the built pieces are, relative to the built main script (out/main/index.js):
 * out/preload/index.cjs, out/main/trainer.js, out/renderer/index.html.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface AppPaths {
  preload: string;
  trainerEntry: string;
  /** The page the window shows: the dev server in development, else the built index.html as a file URL. */
  appUrl: string;
}

/**
 * @param mainDir the directory of the built main script
 * @param devServerUrl electron-vite's ELECTRON_RENDERER_URL, honoured only when the app is not packaged
 */
export function appPaths(mainDir: string, devServerUrl: string | undefined, isPackaged: boolean): AppPaths {
  const useDevServer = !isPackaged && devServerUrl !== undefined && /^https?:\/\//.test(devServerUrl);
  return {
    preload: join(mainDir, '..', 'preload', 'index.cjs'),
    trainerEntry: join(mainDir, 'trainer.js'),
    appUrl: useDevServer ? devServerUrl : pathToFileURL(join(mainDir, '..', 'renderer', 'index.html')).href,
  };
}
