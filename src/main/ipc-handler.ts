import {
  type AnyTRPCRouter,
  callTRPCProcedure,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  type inferRouterContext,
  isTrackedEnvelope,
  type TRPCError,
} from '@trpc/server';
import { IPC_CHANNEL, type MainMessage } from '../preload/ipc-protocol.js';
import { rendererMessageSchema } from './ipc-messages.js';

/** The parts of Electron's `IpcMainEvent` the handler reads. */
export interface IpcEvent {
  sender: IpcSender;
  senderFrame: { url: string } | null;
}

/** The parts of a `WebContents` the handler uses. */
export interface IpcSender {
  id: number;
  send(channel: string, message: MainMessage): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
  on(
    event: 'did-start-navigation',
    listener: (details: { isMainFrame?: boolean; isSameDocument?: boolean }) => void,
  ): unknown;
}

export interface IpcMainLike {
  on(channel: string, listener: (event: IpcEvent, message: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: IpcEvent, message: unknown) => void): unknown;
}

export interface IpcHandlerOptions<TRouter extends AnyTRPCRouter> {
  router: TRouter;
  ipcMain: IpcMainLike;
  /** Whether a message comes from our own renderer (GHSA-mq8j-3h7h-p8g7: check `senderFrame`). */
  isTrustedSender(event: IpcEvent): boolean;
  createContext(): inferRouterContext<TRouter> | Promise<inferRouterContext<TRouter>>;
  /** A procedure failed (thrown errors are answered to the renderer as the router's error shape). */
  onError?(info: { error: TRPCError; path: string; type: string }): void;
  /** A message was dropped: foreign frame or malformed. */
  onRefused?(info: { reason: 'untrusted_sender' | 'malformed'; url: string | null }): void;
}

export interface IpcHandler {
  /** Stops listening and aborts every running call. */
  close(): void;
}

type Calls = Map<number, AbortController>;

/**
 * Serves a tRPC router on the one IPC channel: queries and mutations answer once; subscriptions
 * (async generators) stream until they end, the renderer unsubscribes, the page reloads or the
 * window closes — each of which aborts the procedure's `signal`.
 */
export function createIpcHandler<TRouter extends AnyTRPCRouter>(
  options: IpcHandlerOptions<TRouter>,
): IpcHandler {
  const { router, ipcMain } = options;
  const senders = new Map<number, Calls>();

  function callsOf(sender: IpcSender): Calls {
    const known = senders.get(sender.id);
    if (known) return known;
    const calls: Calls = new Map();
    senders.set(sender.id, calls);
    const abortAll = () => {
      for (const controller of calls.values()) controller.abort();
      calls.clear();
    };
    sender.once('destroyed', () => {
      abortAll();
      senders.delete(sender.id);
    });
    // A reload keeps the webContents but not the page that subscribed.
    sender.on('did-start-navigation', (details) => {
      if (details.isMainFrame !== false && details.isSameDocument !== true) abortAll();
    });
    return calls;
  }

  function send(sender: IpcSender, message: MainMessage): void {
    if (!sender.isDestroyed()) sender.send(IPC_CHANNEL, message);
  }

  async function answerCall(
    sender: IpcSender,
    calls: Calls,
    id: number,
    op: { type: 'query' | 'mutation' | 'subscription'; path: string; input?: unknown },
  ): Promise<void> {
    const controller = new AbortController();
    const { signal } = controller;
    calls.set(id, controller);
    let ctx: inferRouterContext<TRouter> | undefined;
    try {
      ctx = await options.createContext();
      const result: unknown = await callTRPCProcedure({
        router,
        path: op.path,
        getRawInput: async () => op.input,
        ctx,
        type: op.type,
        signal,
        batchIndex: 0,
      });
      if (signal.aborted) return;
      if (op.type !== 'subscription') {
        send(sender, { id, type: 'result', data: toWire(result) });
        return;
      }
      if (!isAsyncIterable(result)) throw new Error(`${op.path} did not return an async iterable`);
      send(sender, { id, type: 'started' });
      await forEachUntilAborted(result, signal, (value) => {
        if (isTrackedEnvelope(value)) {
          const [eventId, data] = value;
          send(sender, { id, type: 'data', eventId, data: toWire({ id: eventId, data }) });
        } else send(sender, { id, type: 'data', data: toWire(value) });
      });
      if (!signal.aborted) send(sender, { id, type: 'complete' });
    } catch (cause) {
      // A stopped call has nobody left to tell.
      if (signal.aborted) return;
      const error = getTRPCErrorFromUnknown(cause);
      options.onError?.({ error, path: op.path, type: op.type });
      const shape = getTRPCErrorShape({
        config: router._def._config,
        error,
        type: op.type,
        path: op.path,
        input: op.input,
        ctx,
      });
      send(sender, { id, type: 'error', error: toWire(shape) });
    } finally {
      if (calls.get(id) === controller) calls.delete(id);
    }
  }

  const listener = (event: IpcEvent, raw: unknown): void => {
    if (!options.isTrustedSender(event)) {
      options.onRefused?.({ reason: 'untrusted_sender', url: event.senderFrame?.url ?? null });
      return;
    }
    const parsed = rendererMessageSchema.safeParse(raw);
    if (!parsed.success) {
      options.onRefused?.({ reason: 'malformed', url: event.senderFrame?.url ?? null });
      return;
    }
    const message = parsed.data;
    const calls = callsOf(event.sender);
    if (message.type === 'stop') {
      calls.get(message.id)?.abort();
      calls.delete(message.id);
      return;
    }
    if (calls.has(message.id)) return;
    void answerCall(event.sender, calls, message.id, message.op);
  };
  ipcMain.on(IPC_CHANNEL, listener);

  return {
    close() {
      ipcMain.removeListener(IPC_CHANNEL, listener);
      for (const calls of senders.values()) {
        for (const controller of calls.values()) controller.abort();
        calls.clear();
      }
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function'
  );
}

/**
 * Pulls values until the iterable ends or `signal` aborts. On abort it does not wait for a pending
 * `next()`: the generator sees the abort through its own `signal` and finishes on its own.
 */
async function forEachUntilAborted(
  iterable: AsyncIterable<unknown>,
  signal: AbortSignal,
  onValue: (value: unknown) => void,
): Promise<void> {
  const iterator = iterable[Symbol.asyncIterator]();
  const aborted = new Promise<'aborted'>((resolve) => {
    if (signal.aborted) resolve('aborted');
    signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  try {
    while (!signal.aborted) {
      const pending = iterator.next();
      // If the abort wins the race, a later rejection of `pending` must not go unhandled.
      pending.catch(() => undefined);
      const next = await Promise.race([pending, aborted]);
      if (next === 'aborted' || next.done) return;
      onValue(next.value);
    }
  } finally {
    // Runs the generator's `finally` (e.g. "the consumer went away" → stop the chat).
    void iterator.return?.()?.catch(() => undefined);
  }
}

/**
 * The same values HTTP would deliver (JSON, no transformer): a Date becomes a string on both
 * transports, and nothing uncloneable ever reaches `webContents.send`.
 */
function toWire(value: unknown): unknown {
  if (value === undefined) return undefined;
  return JSON.parse(JSON.stringify(value));
}
