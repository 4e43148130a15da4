// @ts-check
/**
 * Packaging (`npm run dist`): installers for Linux (AppImage, deb), macOS (dmg) and Windows (NSIS), with the
 * .netwright file association and its icon, and Electron's fuses set at package time. Tested in
 * tests/main/packaging.test.ts (the Electron binary and electron-builder are not part of `npm install`).
 *
 * A double-clicked .netwright file reaches the running app: main holds the single-instance lock and opens files from
 * `second-instance` (Windows, Linux) and `open-file` (macOS) — see src/main/index.ts.
 */
/** @type {Record<string, unknown>} */
const config = {
  appId: 'org.netwright.studio',
  productName: 'Netwright',
  copyright: 'Netwright contributors',
  directories: { output: 'dist', buildResources: 'build' },
  // Only what the app runs: the built main, preload, trainer and page (not the browser build in out/web).
  files: ['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json', '!**/*.map'],
  asar: true,
  icon: 'build/icon.png',
  fileAssociations: [
    {
      ext: 'netwright',
      name: 'Netwright network',
      description: 'Netwright network',
      mimeType: 'application/x-netwright+json',
      role: 'Editor',
      icon: 'build/netwright-file.png',
      rank: 'Owner',
    },
  ],
  // Set at package time (@electron/fuses through electron-builder): no Node behind the app's back.
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: false,
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Education',
    mimeTypes: ['application/x-netwright+json'],
    executableName: 'netwright',
  },
  deb: { priority: 'optional' },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.education',
    hardenedRuntime: true,
  },
  dmg: { title: 'Netwright' },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
};

module.exports = config;
