import { TRPCClientError, type TRPCLink } from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import type { LightChatIpcBridge, MainMessage } from '../../preload/ipc-protocol.js';

import { findBridge } from './ipc-bridge.js';

export { hasIpcBridge } from './ipc-bridge.js';

export interface IpcLinkOptions {
  /** Default: the bridge the preload put on `window`. Tests pass their own. */
  bridge?: LightChatIpcBridge;
}

// One sequence for every link in this window: the main process keys calls by (window, id).
let lastId = 0;

/**
 * The terminating tRPC link of the desktop app: every operation goes over the preload's one
 * channel. Errors arrive as the router's error shape, so `err.data.code` reads the same as over HTTP.
 */
export function ipcLink<TRouter extends AnyTRPCRouter>(options: IpcLinkOptions = {}): TRPCLink<TRouter> {
  return () => {
    const bridge = options.bridge ?? findBridge();
    if (!bridge) throw new Error('The desktop IPC bridge is not available in this window.');
    const calls = new Map<number, (message: MainMessage) => void>();
    bridge.onMessage((message) => calls.get(message.id)?.(message));

    return ({ op }) =>
      observable((observer) => {
        lastId += 1;
        const id = lastId;
        let open = true;
        const finish = () => {
          open = false;
          calls.delete(id);
        };
        calls.set(id, (message) => {
          switch (message.type) {
            case 'result':
              finish();
              observer.next({ result: { type: 'data', data: message.data } });
              observer.complete();
              break;
            case 'started':
              observer.next({ result: { type: 'started' } });
              break;
            case 'data':
              observer.next({
                result:
                  message.eventId === undefined
                    ? { type: 'data', data: message.data }
                    : { type: 'data', id: message.eventId, data: message.data },
              });
              break;
            case 'complete':
              finish();
              observer.next({ result: { type: 'stopped' } });
              observer.complete();
              break;
            case 'error':
              finish();
              observer.error(TRPCClientError.from({ error: message.error }));
              break;
          }
        });
        bridge.send({ type: 'request', id, op: { type: op.type, path: op.path, input: op.input } });
        // Unsubscribing (or abandoning a call) tells main, which aborts the procedure's signal.
        return () => {
          if (!open) return;
          finish();
          bridge.send({ type: 'stop', id });
        };
      });
  };
}
