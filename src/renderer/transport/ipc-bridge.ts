import { BRIDGE_KEY, type LightChatIpcBridge } from '../../preload/ipc-protocol.js';

type BridgeWindow = { [BRIDGE_KEY]?: LightChatIpcBridge };

// `globalThis` is `window` in the page; it also type-checks where the DOM library is absent.
// (A module of its own, importing no tRPC: the page's early requests check it too.)
export const findBridge = (): LightChatIpcBridge | undefined => (globalThis as BridgeWindow)[BRIDGE_KEY];

/** True inside the desktop app, whose preload exposes the IPC bridge; false in a browser. */
export const hasIpcBridge = (): boolean => findBridge() !== undefined;
