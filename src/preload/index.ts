// The window's preload: the tRPC IPC bridge and nothing else (built to out/preload/index.cjs).
import { contextBridge, ipcRenderer } from 'electron';
import { createIpcBridge } from './bridge.js';
import { BRIDGE_KEY } from './ipc-protocol.js';

contextBridge.exposeInMainWorld(BRIDGE_KEY, createIpcBridge(ipcRenderer));
