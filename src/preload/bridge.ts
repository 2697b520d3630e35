import {
  IPC_CHANNEL,
  type LightChatIpcBridge,
  type MainMessage,
  type RendererMessage,
} from './ipc-protocol.js';

/** The parts of Electron's `ipcRenderer` the bridge uses (the page never sees it). */
export interface IpcRendererLike {
  send(channel: string, message: RendererMessage): void;
  on(channel: string, listener: (event: unknown, message: MainMessage) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, message: MainMessage) => void): unknown;
}

/**
 * The one bridge the page gets: send a tRPC message, listen to answers. Only the message crosses
 * over, never the IPC event (whose `sender` would hand the page `ipcRenderer`).
 */
export function createIpcBridge(ipcRenderer: IpcRendererLike): LightChatIpcBridge {
  return {
    send(message) {
      ipcRenderer.send(IPC_CHANNEL, message);
    },
    onMessage(listener) {
      const relay = (_event: unknown, message: MainMessage) => listener(message);
      ipcRenderer.on(IPC_CHANNEL, relay);
      return () => {
        ipcRenderer.removeListener(IPC_CHANNEL, relay);
      };
    },
  };
}
