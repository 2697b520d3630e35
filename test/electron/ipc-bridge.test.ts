import { createTRPCClient, isTRPCClientError } from '@trpc/client';
import { initTRPC, TRPCError } from '@trpc/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createIpcHandler, type IpcHandler } from '../../src/main/ipc-handler.js';
import { createIpcBridge } from '../../src/preload/bridge.js';
import { IPC_CHANNEL } from '../../src/preload/ipc-protocol.js';
import { hasIpcBridge, ipcLink } from '../../src/renderer/transport/ipc-link.js';
import { waitFor } from '../fixtures/wait-for.js';
import {
  BrowserWindow,
  type FakeBrowserWindow,
  ipcMain,
  mainWorld,
  resetFakeElectron,
} from './fake-electron.js';

const OWN_PAGE = 'file:///Applications/LightChat.app/Contents/Resources/app.asar/out/renderer/index.html';

/** A small router with one of each kind, recording what its subscriptions see. */
function testRouter() {
  const t = initTRPC.create();
  const seen = { started: 0, aborted: 0, finished: 0 };
  const router = t.router({
    greet: t.procedure.input(z.object({ name: z.string() })).query(({ input }) => `Hello, ${input.name}`),
    when: t.procedure.query(() => ({ at: new Date(0) })),
    fail: t.procedure.mutation(() => {
      throw new TRPCError({ code: 'CONFLICT', message: 'The file changed on disk.' });
    }),
    ticks: t.procedure.input(z.object({ count: z.number() })).subscription(async function* ({
      input,
      signal,
    }) {
      seen.started += 1;
      try {
        for (let i = 0; i < input.count; i += 1) yield { tick: i };
        // Then wait, as a chat waits for its next token, until the subscriber leaves.
        await new Promise<void>((resolve) =>
          signal?.addEventListener('abort', () => resolve(), { once: true }),
        );
        seen.aborted += 1;
      } finally {
        seen.finished += 1;
      }
    }),
    finite: t.procedure.subscription(async function* () {
      yield 'a';
      yield 'b';
    }),
  });
  return { router, seen };
}

let window: FakeBrowserWindow;
let handler: IpcHandler;
let world: ReturnType<typeof testRouter>;

beforeEach(async () => {
  resetFakeElectron();
  world = testRouter();
  window = new BrowserWindow();
  await window.loadURL(OWN_PAGE);
  handler = createIpcHandler({
    router: world.router,
    ipcMain,
    isTrustedSender: (event) => event.senderFrame?.url === OWN_PAGE,
    createContext: () => ({}),
  });
});

afterEach(() => {
  handler.close();
  resetFakeElectron();
});

function client() {
  const bridge = createIpcBridge(window.webContents.renderer);
  return createTRPCClient<typeof world.router>({ links: [ipcLink({ bridge })] });
}

/**
 * Sends a good request from our page after the ones under test, and waits for its answer: messages are
 * handled in order, so an answer to any earlier one would be there first. Then only this one may be.
 */
async function answerAfter(answers: unknown[]): Promise<void> {
  window.webContents.senderFrame = { url: OWN_PAGE };
  window.webContents.renderer.send(IPC_CHANNEL, {
    type: 'request',
    id: 99,
    op: { type: 'query', path: 'greet', input: { name: 'sentinel' } },
  });
  await waitFor(() => answers.length > 0, 'the answer to the good request');
  expect(answers.map((answer) => (answer as { id: unknown }).id)).toEqual([99]);
}

describe('the tRPC IPC bridge', () => {
  it('answers a query over the one channel', async () => {
    await expect(client().greet.query({ name: 'Ada' })).resolves.toBe('Hello, Ada');
  });

  it('delivers what HTTP would: JSON values, a Date as its ISO string', async () => {
    await expect(client().when.query()).resolves.toEqual({ at: '1970-01-01T00:00:00.000Z' });
  });

  it('rejects with the router error shape, so err.data.code reads as over HTTP', async () => {
    const error = await client()
      .fail.mutate()
      .catch((caught: unknown) => caught);
    expect(isTRPCClientError(error)).toBe(true);
    if (!isTRPCClientError(error)) return;
    expect(error.message).toBe('The file changed on disk.');
    expect(error.data).toMatchObject({ code: 'CONFLICT', httpStatus: 409, path: 'fail' });
  });

  it('rejects invalid input with BAD_REQUEST', async () => {
    const error = await client()
      .greet.query({ name: 42 } as unknown as { name: string })
      .catch((caught: unknown) => caught);
    expect(isTRPCClientError(error) && error.data?.code).toBe('BAD_REQUEST');
  });

  it('streams a subscription and aborts its signal when the renderer unsubscribes', async () => {
    const ticks: unknown[] = [];
    const subscription = client().ticks.subscribe({ count: 3 }, { onData: (value) => ticks.push(value) });
    await waitFor(() => ticks.length === 3);
    expect(ticks).toEqual([{ tick: 0 }, { tick: 1 }, { tick: 2 }]);
    expect(world.seen.aborted).toBe(0);
    subscription.unsubscribe();
    await waitFor(() => world.seen.finished === 1);
    expect(world.seen.aborted).toBe(1);
  });

  it('completes a subscription that ends by itself', async () => {
    const values: string[] = [];
    await new Promise<void>((resolve, reject) => {
      client().finite.subscribe(undefined, {
        onData: (value) => values.push(value),
        onComplete: resolve,
        onError: reject,
      });
    });
    expect(values).toEqual(['a', 'b']);
  });

  it('aborts the subscriptions of a window that closes', async () => {
    client().ticks.subscribe({ count: 1 }, {});
    client().ticks.subscribe({ count: 1 }, {});
    await waitFor(() => world.seen.started === 2);
    window.close();
    await waitFor(() => world.seen.aborted === 2);
  });

  it('aborts the subscriptions of a page that reloads', async () => {
    client().ticks.subscribe({ count: 1 }, {});
    await waitFor(() => world.seen.started === 1);
    window.webContents.reload();
    await waitFor(() => world.seen.aborted === 1);
  });

  it('refuses messages from a frame that is not our page (senderFrame check)', async () => {
    window.webContents.senderFrame = { url: 'https://attacker.example/' };
    const answers: unknown[] = [];
    window.webContents.renderer.on(IPC_CHANNEL, (_event, message) => answers.push(message));
    window.webContents.renderer.send(IPC_CHANNEL, {
      type: 'request',
      id: 1,
      op: { type: 'query', path: 'greet', input: { name: 'x' } },
    });
    window.webContents.senderFrame = null;
    window.webContents.renderer.send(IPC_CHANNEL, {
      type: 'request',
      id: 2,
      op: { type: 'query', path: 'greet', input: { name: 'x' } },
    });
    await answerAfter(answers);
  });

  it('drops malformed messages without answering', async () => {
    const answers: unknown[] = [];
    window.webContents.renderer.on(IPC_CHANNEL, (_event, message) => answers.push(message));
    window.webContents.renderer.send(IPC_CHANNEL, {
      type: 'request',
      id: -1,
      op: { type: 'exec', path: 'greet' },
    });
    window.webContents.renderer.send(IPC_CHANNEL, 'greet');
    await answerAfter(answers);
  });
});

describe('the preload', () => {
  it('exposes one bridge with two functions through contextBridge, never ipcRenderer', async () => {
    await import('../../src/preload/index.js');
    expect(Object.keys(mainWorld)).toEqual(['lightchatIPC']);
    const bridge = mainWorld.lightchatIPC as Record<string, unknown>;
    expect(Object.keys(bridge).sort()).toEqual(['onMessage', 'send']);
    expect(Object.values(bridge).every((value) => typeof value === 'function')).toBe(true);
  });

  it('lets the renderer find the bridge on window', () => {
    expect(hasIpcBridge()).toBe(false);
    Object.assign(globalThis, { lightchatIPC: createIpcBridge(window.webContents.renderer) });
    try {
      expect(hasIpcBridge()).toBe(true);
    } finally {
      Reflect.deleteProperty(globalThis, 'lightchatIPC');
    }
  });

  it('passes only the message to the page, not the IPC event', async () => {
    const bridge = createIpcBridge(window.webContents.renderer);
    const received: unknown[][] = [];
    const stop = bridge.onMessage((...args: unknown[]) => received.push(args));
    window.webContents.send(IPC_CHANNEL, { id: 1, type: 'complete' });
    stop();
    window.webContents.send(IPC_CHANNEL, { id: 2, type: 'complete' });
    expect(received).toEqual([[{ id: 1, type: 'complete' }]]);
  });
});
