import { MantineProvider } from '@mantine/core';
import { defaultScheduler, notifyManager, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createTRPCClient, type TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { ConfigView } from '../../src/domain/services/settings-service';
import { followFile } from '../../src/renderer/settings/follow-file';
import { AppStateProvider, createAppState } from '../../src/renderer/state/app-state';
import type { ChatApi } from '../../src/renderer/state/chat-turns';
import type { AppRouter } from '../../src/renderer/transport/app-router';
import { TRPCProvider } from '../../src/renderer/transport/trpc';
import { view as fileView } from './support/config-view';

/** What the fake server answers, by procedure path; a path without an answer never answers. */
const answers = new Map<string, (input: unknown) => Promise<unknown>>();

const fakeServer: TRPCLink<AppRouter> =
  () =>
  ({ op }) =>
    observable((observer) => {
      const answer = answers.get(op.path);
      if (op.type !== 'subscription' && answer) {
        answer(op.input).then((data) => {
          observer.next({ result: { type: 'data', data } });
          observer.complete();
        });
      }
      return () => {};
    });

const client = createTRPCClient<AppRouter>({ links: [fakeServer] });
// The query cache tells its components at once (not on a later timer), so that `act` sees every update;
// given back after this file (the renderer's files share their worker and its packages).
notifyManager.setScheduler((callback) => callback());
afterAll(() => notifyManager.setScheduler(defaultScheduler));
vi.mock('../../src/renderer/transport/client', () => ({ trpcClient: client, transport: 'http' }));
const { default: SettingsDialog } = await import('../../src/renderer/settings/SettingsDialog');

/** A promise the test settles when it wants (an answer still on its way). */
function later<T>() {
  let settle!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    settle = resolve;
  });
  return { promise, settle };
}

const view = (revision: string, loggingEnabled: boolean): ConfigView => ({
  ...fileView,
  revision,
  loggingEnabled,
});
const before = view('rev-before', true);
const after = view('rev-after', false);

const api: ChatApi = {
  start: async () => ({ chatId: 'c', providerId: 'p', modelId: 'm' }),
  events: () => ({ unsubscribe: () => {} }),
};

function renderDialog() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <MantineProvider>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={client} queryClient={queryClient}>
          <AppStateProvider state={createAppState({ api, storage: window.sessionStorage })}>
            <SettingsDialog opened onClose={() => {}} configError={null} configPath={null} />
          </AppStateProvider>
        </TRPCProvider>
      </QueryClientProvider>
    </MantineProvider>,
  );
  const configKey = createTRPCOptionsProxy<AppRouter>({ client, queryClient }).config.get.queryKey();
  return { queryClient, configKey };
}

const logSwitch = () => screen.getByRole('switch', { name: /Write chat logs/ }) as HTMLInputElement;

afterEach(() => answers.clear());

describe('Settings: the form and the file while a save is on its way', () => {
  it('keeps what was saved when a read of the file that left before the save lands after it', async () => {
    const firstRead = later<ConfigView>();
    const slowRead = later<ConfigView>();
    const reads = [firstRead, slowRead];
    answers.set('config.get', () => (reads.shift() ?? later<ConfigView>()).promise);
    const { queryClient, configKey } = renderDialog();
    act(() => firstRead.settle(before));
    await waitFor(() => expect(logSwitch().checked).toBe(true));

    // A read leaves (a window focus, a reconnect): the server answers it with the file as it is.
    void queryClient.refetchQueries({ queryKey: configKey });
    await waitFor(() => expect(reads).toEqual([]));
    fireEvent.click(logSwitch());
    const save = later<ConfigView>();
    answers.set('config.update', () => save.promise);
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await act(async () => save.settle(after));
    await screen.findByText('Saved to settings.yaml.');

    // The old read lands only now, with the file as it was before the save.
    await act(async () => slowRead.settle(before));
    expect(logSwitch().checked).toBe(false);
    expect(screen.getByText('Saved to settings.yaml.')).toBeTruthy();
  });

  it('does not call its own save a change on disk when the change is heard before the answer', async () => {
    answers.set('config.get', async () => before);
    const { queryClient, configKey } = renderDialog();
    await waitFor(() => expect(logSwitch().checked).toBe(true));

    fireEvent.click(logSwitch());
    const save = later<ConfigView>();
    answers.set('config.update', () => save.promise);
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    // `config.changes` brings the saved file before `config.update` answers (two connections).
    act(() => {
      queryClient.setQueryData(configKey, after);
    });
    expect(screen.queryByText(/changed on disk/)).toBeNull();
    await act(async () => save.settle(after));
    await screen.findByText('Saved to settings.yaml.');
    expect(logSwitch().checked).toBe(false);

    // Editing again after the save: the file is still the saved one, so no change on disk either.
    fireEvent.click(logSwitch());
    act(() => {
      queryClient.setQueryData(configKey, { ...after });
    });
    expect(screen.queryByText(/changed on disk/)).toBeNull();
  });

  it('still says so when the file really changed while the user was editing', async () => {
    answers.set('config.get', async () => before);
    const { queryClient, configKey } = renderDialog();
    await waitFor(() => expect(logSwitch().checked).toBe(true));
    fireEvent.click(logSwitch());
    act(() => {
      queryClient.setQueryData(configKey, view('rev-hand-edit', true));
    });
    await screen.findByText(/settings.yaml changed on disk while you were editing/);
    expect(logSwitch().checked).toBe(false);
  });
});

describe('followFile: what the form does with a view of settings.yaml', () => {
  it('keeps the form on a view of the revision it holds, even as another object while the user edits', () => {
    // Seen in a browser on a loaded machine: the save's answer, put into the query cache, re-rendered
    // the form before its own `dirty: false`, and "changed on disk" replaced "Saved".
    expect(followFile({ ...after }, { loaded: after, dirty: true, saving: true })).toBe('keep');
    expect(followFile({ ...after }, { loaded: after, dirty: true, saving: false })).toBe('keep');
  });

  it('waits for a save on its way before judging the file', () => {
    expect(followFile(view('rev-other', true), { loaded: before, dirty: true, saving: true })).toBe('keep');
  });

  it('loads another revision into an untouched form and warns about one under the user’s edits', () => {
    expect(followFile(before, { loaded: null, dirty: false, saving: false })).toBe('load');
    expect(followFile(after, { loaded: before, dirty: false, saving: false })).toBe('load');
    expect(followFile(after, { loaded: before, dirty: true, saving: false })).toBe('warn');
    expect(followFile(undefined, { loaded: null, dirty: false, saving: false })).toBe('keep');
  });
});
