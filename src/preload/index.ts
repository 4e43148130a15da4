/**
 * The preload: runs sandboxed, with context isolation, before the page. It exposes `window.netwright`
 * (NetwrightApi) and forwards the trainer port to the page. It never exposes ipcRenderer.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { IPC, TRAINER_PORT_MESSAGE } from '../shared/ipc';
import { createNetwrightApi, forwardTrainerPorts, TrustedDrops, watchDrops, type DropTarget, type PageWindow } from './api';

declare const window: PageWindow & DropTarget;

const pathForFile = (file: unknown) => webUtils.getPathForFile(file as Parameters<typeof webUtils.getPathForFile>[0]);
const drops = new TrustedDrops();
watchDrops(window, drops, pathForFile, (path) => ipcRenderer.send(IPC.fileDropped, path));
forwardTrainerPorts(ipcRenderer, window, TRAINER_PORT_MESSAGE);
contextBridge.exposeInMainWorld('netwright', createNetwrightApi(ipcRenderer, pathForFile, drops));
