import type { LightChatIpcBridge, MainMessage } from '../../preload/ipc-protocol.js';
import { onStreamPace } from '../state/stream-pace';
import type { SocketWorkerInit, SocketWorkerPace } from './socket-worker';

/**
 * The page's side of its socket worker (`socket-worker.ts`), as a bridge for `ipcLink`: the worker
 * starts with the first subscription and gets `init` (where the socket goes, the token) first. Each
 * message event from it is a batch of answers, handed to the link one by one.
 */
export function socketWorkerBridge(init: () => Omit<SocketWorkerInit, 'type'>): LightChatIpcBridge {
  const listeners = new Set<(message: MainMessage) => void>();
  const deliver = (message: MainMessage) => {
    for (const listener of listeners) listener(message);
  };
  /** Subscriptions not ended yet: they end with an error if the worker cannot run. */
  const open = new Set<number>();
  let worker: Worker | undefined;
  const start = () => {
    // This exact form lets the bundler build the worker as a file of its own.
    const started = new Worker(new URL('./socket-worker.ts', import.meta.url), {
      type: 'module',
      name: 'LightChat socket',
    });
    started.onmessage = ({ data: messages }: MessageEvent<MainMessage[]>) => {
      for (const message of messages) {
        if (message.type === 'error' || message.type === 'complete') open.delete(message.id);
        deliver(message);
      }
    };
    started.onerror = (event) => {
      const error = {
        message: `The page's connection worker failed: ${event.message || 'it did not load'}.`,
      };
      for (const id of [...open]) deliver({ id, type: 'error', error });
      open.clear();
    };
    started.postMessage({ type: 'init', ...init() } satisfies SocketWorkerInit);
    // A streaming answer renders less often on a slow machine: the worker then posts less often too.
    onStreamPace((intervalMs) =>
      started.postMessage({ type: 'pace', intervalMs } satisfies SocketWorkerPace),
    );
    return started;
  };
  return {
    send(message) {
      if (message.type === 'request') open.add(message.id);
      else open.delete(message.id);
      worker ??= start();
      worker.postMessage(message);
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
