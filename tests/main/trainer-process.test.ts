import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./fake-electron')).electronMock);

import { TRAINING_MEMORY_LIMIT } from '../../src/core/trainingMemory';
import { IPC } from '../../src/shared/ipc';
import {
  TRAINER_HEAP_MB,
  TRAINER_SERVICE_NAME,
  TrainerSupervisor,
  checkSender,
  goneInfoFromExit,
  isTrainerGone,
  registerTrainerIpc,
  type ChildProcessGoneDetails,
} from '../../src/main/trainer-process';
import { FakeFrame, FakeMessageChannelMain, FakeWebContents, electronMock, forked, resetElectronMock } from './fake-electron';

const ENTRY = '/app/out/main/trainer.js';
const APP = 'file:///app/out/renderer/index.html';

beforeEach(() => resetElectronMock());

function setup() {
  const renderer = new FakeWebContents(APP);
  const supervisor = new TrainerSupervisor({ entryPath: ENTRY, renderer: () => renderer as never }, electronMock.app as never);
  return { renderer, supervisor };
}

function gone(details: Partial<ChildProcessGoneDetails>): void {
  electronMock.app.emit('child-process-gone', {}, { type: 'Utility', reason: 'crashed', exitCode: 11, name: TRAINER_SERVICE_NAME, ...details });
}

describe('TrainerSupervisor: connecting', () => {
  it('forks the built entry as a named utility process with a heap limit of its own', () => {
    const { renderer, supervisor } = setup();
    supervisor.connect(renderer as never);
    expect(electronMock.utilityProcess.fork).toHaveBeenCalledTimes(1);
    expect(electronMock.utilityProcess.fork).toHaveBeenCalledWith(ENTRY, [], { serviceName: TRAINER_SERVICE_NAME, execArgv: [`--max-old-space-size=${TRAINER_HEAP_MB}`] });
    expect(TRAINER_HEAP_MB * 1024 * 1024).toBeGreaterThan(TRAINING_MEMORY_LIMIT);
  });

  it('gives the trainer one end of a new channel and the renderer the other', () => {
    const { renderer, supervisor } = setup();
    supervisor.connect(renderer as never);
    const channel = FakeMessageChannelMain.created[0];
    expect(forked[0]?.postMessage).toHaveBeenCalledWith(null, [channel?.port1]);
    expect(renderer.postMessage).toHaveBeenCalledWith(IPC.trainerPort, null, [channel?.port2]);
  });

  it('reuses the running trainer for a second connection, over a fresh channel', () => {
    const { renderer, supervisor } = setup();
    supervisor.connect(renderer as never);
    supervisor.connect(renderer as never);
    expect(forked).toHaveLength(1);
    expect(FakeMessageChannelMain.created).toHaveLength(2);
    expect(forked[0]?.postMessage).toHaveBeenLastCalledWith(null, [FakeMessageChannelMain.created[1]?.port1]);
    expect(renderer.postMessage).toHaveBeenLastCalledWith(IPC.trainerPort, null, [FakeMessageChannelMain.created[1]?.port2]);
  });
});

describe('TrainerSupervisor: the trainer going away', () => {
  it('tells the renderer when the trainer exits, and forks a new one on the next request', () => {
    const { renderer, supervisor } = setup();
    supervisor.connect(renderer as never);
    forked[0]?.emit('exit', 3);
    expect(renderer.send).toHaveBeenCalledWith(IPC.trainerGone, { reason: 'abnormal-exit', exitCode: 3 });
    expect(supervisor.process).toBeUndefined();
    supervisor.connect(renderer as never);
    expect(forked).toHaveLength(2);
  });

  it('tells the renderer when child-process-gone reports our utility process, once', () => {
    const { renderer, supervisor } = setup();
    supervisor.connect(renderer as never);
    gone({ reason: 'oom', exitCode: 9 });
    forked[0]?.emit('exit', 9);
    expect(renderer.send.mock.calls).toEqual([[IPC.trainerGone, { reason: 'oom', exitCode: 9 }]]);
    expect(supervisor.process).toBeUndefined();
  });

  it('reports an exit once even if child-process-gone follows it', () => {
    const { renderer, supervisor } = setup();
    supervisor.connect(renderer as never);
    forked[0]?.emit('exit', 0);
    gone({ reason: 'crashed' });
    expect(renderer.send.mock.calls).toEqual([[IPC.trainerGone, { reason: 'clean-exit', exitCode: 0 }]]);
  });

  it.each([
    ['another utility process', { name: 'Network Service', serviceName: 'network.mojom.NetworkService' }],
    ['a GPU process', { type: 'GPU', name: TRAINER_SERVICE_NAME }],
  ])('ignores child-process-gone for %s', (_what, details) => {
    const { renderer, supervisor } = setup();
    supervisor.connect(renderer as never);
    gone(details);
    expect(renderer.send).not.toHaveBeenCalled();
    expect(supervisor.process).toBe(forked[0]);
  });

  it('does not send to a destroyed renderer', () => {
    const { renderer, supervisor } = setup();
    supervisor.connect(renderer as never);
    renderer.destroyed = true;
    forked[0]?.emit('exit', 1);
    expect(renderer.send).not.toHaveBeenCalled();
    expect(supervisor.process).toBeUndefined();
  });
});

describe('TrainerSupervisor: restart and quit', () => {
  it('restart kills the old trainer, forks a new one and hands out a port to it', () => {
    const { renderer, supervisor } = setup();
    supervisor.connect(renderer as never);
    supervisor.restart(renderer as never);
    expect(forked[0]?.kill).toHaveBeenCalledTimes(1);
    expect(forked).toHaveLength(2);
    expect(supervisor.process).toBe(forked[1]);
    expect(forked[1]?.postMessage).toHaveBeenCalledWith(null, [FakeMessageChannelMain.created[1]?.port1]);
    expect(renderer.postMessage).toHaveBeenLastCalledWith(IPC.trainerPort, null, [FakeMessageChannelMain.created[1]?.port2]);
  });

  it('restart forks a trainer even when none was running', () => {
    const { renderer, supervisor } = setup();
    supervisor.restart(renderer as never);
    expect(forked).toHaveLength(1);
    expect(renderer.postMessage).toHaveBeenCalledTimes(1);
  });

  it('keeps the new trainer when the killed one\'s exit and child-process-gone arrive late', () => {
    const { renderer, supervisor } = setup();
    supervisor.connect(renderer as never);
    supervisor.restart(renderer as never);
    forked[0]?.emit('exit', 15);
    gone({ reason: 'killed', exitCode: 15 });
    expect(renderer.send).not.toHaveBeenCalled();
    expect(supervisor.process).toBe(forked[1]);
    gone({ reason: 'crashed', exitCode: 11 });
    expect(renderer.send).toHaveBeenCalledWith(IPC.trainerGone, { reason: 'crashed', exitCode: 11 });
  });

  it('dispose kills the trainer without telling the renderer, and forks nothing afterwards', () => {
    const { renderer, supervisor } = setup();
    supervisor.connect(renderer as never);
    supervisor.dispose();
    forked[0]?.emit('exit', 0);
    supervisor.connect(renderer as never);
    supervisor.restart(renderer as never);
    expect(forked[0]?.kill).toHaveBeenCalled();
    expect(forked).toHaveLength(1);
    expect(renderer.send).not.toHaveBeenCalled();
  });
});

describe('pure helpers', () => {
  it.each([
    [{ type: 'Utility', reason: 'crashed', exitCode: 1, name: TRAINER_SERVICE_NAME }, true],
    [{ type: 'Utility', reason: 'crashed', exitCode: 1, serviceName: TRAINER_SERVICE_NAME }, true],
    [{ type: 'Utility', reason: 'crashed', exitCode: 1, name: 'Audio Service' }, false],
    [{ type: 'Utility', reason: 'crashed', exitCode: 1 }, false],
    [{ type: 'GPU', reason: 'crashed', exitCode: 1, name: TRAINER_SERVICE_NAME }, false],
  ])('isTrainerGone(%o) is %s', (details, expected) => {
    expect(isTrainerGone(details)).toBe(expected);
  });

  it('describes exit codes', () => {
    expect(goneInfoFromExit(0)).toEqual({ reason: 'clean-exit', exitCode: 0 });
    expect(goneInfoFromExit(134)).toEqual({ reason: 'abnormal-exit', exitCode: 134 });
  });
});

describe('trainer IPC: who may call', () => {
  function ipcSetup() {
    const contents = new FakeWebContents(APP);
    const supervisor = { connect: vi.fn(), restart: vi.fn() };
    const log = vi.fn();
    const window = { contents: () => contents as never, appUrl: APP };
    const unregister = registerTrainerIpc(electronMock.ipcMain as never, supervisor, window, log);
    const trusted = { sender: contents, senderFrame: contents.mainFrame };
    const iframe = Object.assign(new FakeFrame(APP, 1, 7), { parent: contents.mainFrame });
    const untrusted: [string, object][] = [
      ['another WebContents', { sender: new FakeWebContents(APP), senderFrame: contents.mainFrame }],
      ['an iframe of our page', { sender: contents, senderFrame: iframe }],
      ['a frame that is gone', { sender: contents, senderFrame: null }],
      ['our main frame showing a foreign page', { sender: contents, senderFrame: Object.assign(new FakeFrame('https://evil.example/'), {}) }],
    ];
    return { contents, supervisor, log, trusted, untrusted, unregister };
  }

  it('hands a port to the main frame of our window', () => {
    const { contents, supervisor, trusted } = ipcSetup();
    electronMock.ipcMain.emit(IPC.requestTrainerPort, trusted);
    expect(supervisor.connect).toHaveBeenCalledWith(contents);
  });

  it('restarts the trainer for the main frame of our window', async () => {
    const { contents, supervisor, trusted } = ipcSetup();
    await electronMock.ipcMain.handlers.get(IPC.restartTrainer)?.(trusted);
    expect(supervisor.restart).toHaveBeenCalledWith(contents);
  });

  it('refuses every untrusted sender a port, and logs why', () => {
    const { supervisor, untrusted, log } = ipcSetup();
    for (const [, event] of untrusted) electronMock.ipcMain.emit(IPC.requestTrainerPort, event);
    expect(supervisor.connect).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledTimes(untrusted.length);
    expect(log.mock.calls.every(([message]) => String(message).includes('refused'))).toBe(true);
  });

  it('refuses every untrusted sender a restart with an error', () => {
    const { supervisor, untrusted } = ipcSetup();
    const restart = electronMock.ipcMain.handlers.get(IPC.restartTrainer);
    for (const [what, event] of untrusted) {
      expect(() => restart?.(event), what).toThrow(/refused/);
    }
    expect(supervisor.restart).not.toHaveBeenCalled();
  });

  it('refuses everyone while the window is closed', () => {
    const supervisor = { connect: vi.fn(), restart: vi.fn() };
    const contents = new FakeWebContents(APP);
    registerTrainerIpc(electronMock.ipcMain as never, supervisor, { contents: () => undefined, appUrl: APP }, vi.fn());
    electronMock.ipcMain.emit(IPC.requestTrainerPort, { sender: contents, senderFrame: contents.mainFrame });
    expect(supervisor.connect).not.toHaveBeenCalled();
  });

  it('checkSender says why it refuses', () => {
    const { contents, untrusted } = ipcSetup();
    const window = { contents: () => contents as never, appUrl: APP };
    expect(checkSender(untrusted[0]![1] as never, window)).toEqual({ ok: false, reason: 'the sender is not the Netwright window' });
    expect(checkSender(untrusted[3]![1] as never, window)).toMatchObject({ ok: false, reason: expect.stringContaining('https://evil.example/') });
  });

  it('unregisters its handlers', () => {
    const { supervisor, trusted, unregister } = ipcSetup();
    unregister();
    electronMock.ipcMain.emit(IPC.requestTrainerPort, trusted);
    expect(supervisor.connect).not.toHaveBeenCalled();
    expect(electronMock.ipcMain.handlers.has(IPC.restartTrainer)).toBe(false);
  });
});
