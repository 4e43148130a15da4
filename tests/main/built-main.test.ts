/**
 * The built main (out/main/index.js) started under plain Node with an Electron stub (tests/main/built/): it must
 * find the built preload and page, fork the built trainer entry, and hand a channel to the renderer over which the
 * real trainer answers. Build first: `npm run build` (or `npx electron-vite build`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IPC } from '../../src/shared/ipc';
import { PROTOCOL_VERSION } from '../../src/shared/protocol';

const root = fileURLToPath(new URL('../..', import.meta.url));
const builtMain = join(root, 'out', 'main', 'index.js');
const register = new URL('./built/register.mjs', import.meta.url).href;

type Report = { kind: string; [key: string]: unknown };

let child: ChildProcess;
const reports: Report[] = [];
let stderr = '';

beforeAll(async () => {
  if (!existsSync(builtMain)) {
    throw new Error(`${builtMain} is missing: run \`npm run build\` (or \`npx electron-vite build\`) in ${root} before this test`);
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NETWRIGHT_TEST_IPC: JSON.stringify(IPC),
    NETWRIGHT_TEST_PROTOCOL_VERSION: String(PROTOCOL_VERSION),
  };
  delete env.ELECTRON_RENDERER_URL;
  child = spawn(process.execPath, ['--import', register, builtMain], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.on('message', (message: Report) => {
      reports.push(message);
      if (message.kind === 'renderer-got') resolve();
      if (message.kind === 'trainer-error') reject(new Error(`the trainer failed: ${String(message.message)}`));
    });
    child.once('exit', (code) => reject(new Error(`the built main exited with ${code} before the renderer got its answers:\n${stderr}`)));
  });
});

afterAll(() => {
  child?.kill();
});

const find = (kind: string) => reports.find((r) => r.kind === kind);

describe('built main (out/main/index.js) with an Electron stub', () => {
  it('opens a hardened window whose preload is the built CommonJS preload', () => {
    const prefs = find('window')?.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(prefs.preload).toBe(join(root, 'out', 'preload', 'index.cjs'));
    expect(existsSync(String(prefs.preload))).toBe(true);
  });

  it('loads the built page as a file URL', () => {
    expect(find('loadURL')?.url).toBe('app://netwright/index.html');
    expect(find('protocol')?.scheme).toBe('app');
  });

  it('forks the built trainer entry as a named utility process', () => {
    const fork = find('fork');
    expect(fork).toMatchObject({ modulePath: join(root, 'out', 'main', 'trainer.js'), args: [], options: { serviceName: 'Netwright Trainer' } });
    expect(existsSync(String(fork?.modulePath))).toBe(true);
  });

  it('sets the application menu and titles the window after its document', () => {
    expect(find('menu')?.labels).toEqual(['&File', '&Edit', '&View', 'windowMenu']);
    expect(find('title')?.title).toBe('Untitled — Netwright');
  });

  it('hands the renderer a port over which the trainer answers hello and ping', () => {
    expect(find('postMessage')).toMatchObject({ channel: IPC.trainerPort, ports: 1 });
    const events = find('renderer-got')?.events as unknown[];
    expect(events[0]).toMatchObject({ type: 'hello', replyTo: 1, protocolVersion: PROTOCOL_VERSION });
    expect(events[1]).toMatchObject({ type: 'pong', replyTo: 2, payload: 'through main' });
  });
});
