import { describe, expect, it } from 'vitest';
import { externalUrlFor, isAppUrl, isPermissionGranted, isTrustedSender, windowOptions } from '../../src/main/security';

const FILE_APP = 'file:///opt/Netwright/resources/app/out/renderer/index.html';
const DEV_APP = 'http://localhost:5173/';

describe('windowOptions', () => {
  const prefs = windowOptions('/app/out/preload/index.cjs').webPreferences ?? {};

  it('isolates the page from the preload and Node', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on and <webview> off', () => {
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
  });

  it('uses the given preload path', () => {
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
  });
});

describe('isAppUrl', () => {
  it.each([
    [FILE_APP, FILE_APP, true],
    [`${FILE_APP}#/editor`, FILE_APP, true],
    [`${FILE_APP}?lesson=1`, FILE_APP, true],
    ['file:///opt/Netwright/resources/app/out/renderer/other.html', FILE_APP, false],
    ['file:///etc/passwd', FILE_APP, false],
    ['file://evil-host/opt/Netwright/resources/app/out/renderer/index.html', FILE_APP, false],
    ['https://example.com/', FILE_APP, false],
    ['http://localhost:5173/', DEV_APP, true],
    ['http://localhost:5173/src/main.tsx?x=1#y', DEV_APP, true],
    ['http://localhost:5174/', DEV_APP, false],
    ['https://localhost:5173/', DEV_APP, false],
    ['http://evil.localhost:5173/', DEV_APP, false],
    [FILE_APP, DEV_APP, false],
    ['not a url', FILE_APP, false],
    ['', DEV_APP, false],
    [FILE_APP, 'not a url', false],
    ['javascript:alert(1)', FILE_APP, false],
  ])('%s is an app page of %s: %s', (url, app, expected) => {
    expect(isAppUrl(url, app)).toBe(expected);
  });
});

describe('isTrustedSender', () => {
  const mainFrame = { url: FILE_APP, parent: null, processId: 4, routingId: 2 };

  it('trusts the main frame of our window showing our page', () => {
    expect(isTrustedSender({ ...mainFrame, url: `${FILE_APP}#/x` }, FILE_APP, mainFrame)).toBe(true);
  });

  it('refuses a missing (destroyed or navigated) frame', () => {
    expect(isTrustedSender(null, FILE_APP, mainFrame)).toBe(false);
    expect(isTrustedSender(undefined, FILE_APP, mainFrame)).toBe(false);
  });

  it('refuses when the window has no main frame', () => {
    expect(isTrustedSender(mainFrame, FILE_APP, null)).toBe(false);
  });

  it('refuses an iframe, even one showing our page', () => {
    expect(isTrustedSender({ ...mainFrame, parent: mainFrame, routingId: 3 }, FILE_APP, mainFrame)).toBe(false);
  });

  it('refuses a top-level frame that is not our window\'s main frame', () => {
    expect(isTrustedSender({ ...mainFrame, processId: 5 }, FILE_APP, mainFrame)).toBe(false);
    expect(isTrustedSender({ ...mainFrame, routingId: 9 }, FILE_APP, mainFrame)).toBe(false);
  });

  it('refuses our main frame once it shows a foreign page', () => {
    expect(isTrustedSender({ ...mainFrame, url: 'https://evil.example/' }, FILE_APP, mainFrame)).toBe(false);
  });
});

describe('externalUrlFor', () => {
  it.each([
    ['https://en.wikipedia.org/wiki/Backpropagation', 'https://en.wikipedia.org/wiki/Backpropagation'],
    ['http://example.com', 'http://example.com/'],
    ['file:///etc/passwd', undefined],
    ['javascript:alert(1)', undefined],
    ['smb://share/x', undefined],
    ['not a url', undefined],
  ])('%s opens externally as %s', (url, expected) => {
    expect(externalUrlFor(url)).toBe(expected);
  });
});

describe('isPermissionGranted', () => {
  it.each(['media', 'geolocation', 'notifications', 'midiSysex', 'openExternal', 'clipboard-read', 'unknown'])('denies %s', (permission) => {
    expect(isPermissionGranted(permission)).toBe(false);
  });
});
