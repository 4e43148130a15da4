/**
 * The preload: runs sandboxed, with context isolation, before the page. It exposes `window.netwright`
 * (NetwrightApi) and forwards the trainer port to the page. It never exposes ipcRenderer.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { TRAINER_PORT_MESSAGE } from '../shared/ipc';
import { createNetwrightApi, forwardTrainerPorts, type PageWindow } from './api';

declare const window: PageWindow;

forwardTrainerPorts(ipcRenderer, window, TRAINER_PORT_MESSAGE);
contextBridge.exposeInMainWorld('netwright', createNetwrightApi(ipcRenderer, (file) => webUtils.getPathForFile(file as Parameters<typeof webUtils.getPathForFile>[0])));
