/**
 * The one tRPC channel between the window and the main process. Shared by main (handler), preload
 * (bridge) and renderer (link); it imports nothing, so each side can bundle it.
 */

/** The IPC channel name: the only one LightChat uses. */
export const IPC_CHANNEL = 'lightchat:trpc';

/** Where the preload puts the bridge on `window`. Its presence means "running in the desktop app". */
export const BRIDGE_KEY = 'lightchatIPC';

export type IpcProcedureType = 'query' | 'mutation' | 'subscription';

/** Renderer → main. `id` is unique per window; `stop` ends a subscription (or abandons a call). */
export type RendererMessage =
  | { type: 'request'; id: number; op: { type: IpcProcedureType; path: string; input?: unknown } }
  | { type: 'stop'; id: number };

/**
 * Main → renderer. A query or mutation gets one `result` or one `error`; a subscription gets
 * `started`, then `data`s, then `complete` or `error`.
 */
export type MainMessage =
  | { id: number; type: 'result'; data: unknown }
  | { id: number; type: 'started' }
  | { id: number; type: 'data'; data: unknown; eventId?: string }
  | { id: number; type: 'complete' }
  | { id: number; type: 'error'; error: unknown };

/** What the preload exposes on `window[BRIDGE_KEY]`: one channel, two functions. */
export interface LightChatIpcBridge {
  send(message: RendererMessage): void;
  /** Returns the function that stops listening. */
  onMessage(listener: (message: MainMessage) => void): () => void;
}
